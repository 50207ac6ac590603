package dev.cairn;

/** What the command names (a run, a commit, an object) does not exist where it was looked for. */
public final class NotFoundException extends CairnException {
  public NotFoundException(String message) {
    super(message);
  }

  public NotFoundException(String message, Throwable cause) {
    super(message, cause);
  }
}
