package dev.cairn.dvc;

/** What one upload did: objects written, objects the remote already had, bytes written. */
public record DvcUploadReport(int uploaded, int skipped, long bytesUploaded) {}
