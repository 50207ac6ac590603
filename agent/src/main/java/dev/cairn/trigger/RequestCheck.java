package dev.cairn.trigger;

/**
 * Decides whether a request may run at all (provenance: its config is {@code config/config.env} of
 * that commit on an allowed branch). Returns null when it may, else the reason to reject it.
 */
public interface RequestCheck {
  String reject(RunRequest request, byte[] config) throws Exception;
}
