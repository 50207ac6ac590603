package dev.cairn;

/** A run or one of its jobs failed, timed out or was never picked up: the outcome, not a misuse. */
public final class RunFailedException extends CairnException {
  public RunFailedException(String message) {
    super(message);
  }

  public RunFailedException(String message, Throwable cause) {
    super(message, cause);
  }
}
