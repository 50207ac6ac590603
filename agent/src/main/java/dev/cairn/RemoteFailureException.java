package dev.cairn;

/**
 * A remote (store, Git host, scheduler) failed or answered something malformed; a retry may pass.
 */
public final class RemoteFailureException extends CairnException {
  public RemoteFailureException(String message) {
    super(message);
  }

  public RemoteFailureException(String message, Throwable cause) {
    super(message, cause);
  }
}
