package dev.cairn;

/**
 * The request is well formed but refused in the state things are in (another agent holds the
 * state).
 */
public final class RefusedException extends CairnException {
  public RefusedException(String message) {
    super(message);
  }

  public RefusedException(String message, Throwable cause) {
    super(message, cause);
  }
}
