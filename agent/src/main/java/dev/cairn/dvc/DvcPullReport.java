package dev.cairn.dvc;

/** What one pull did: files downloaded, files already in place, bytes downloaded. */
public record DvcPullReport(int downloaded, int skipped, long bytesDownloaded) {

  public DvcPullReport plus(DvcPullReport other) {
    return new DvcPullReport(
        downloaded + other.downloaded,
        skipped + other.skipped,
        bytesDownloaded + other.bytesDownloaded);
  }
}
