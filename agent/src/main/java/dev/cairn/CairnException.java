package dev.cairn;

import org.jspecify.annotations.Nullable;

/**
 * A problem the user can fix: bad config, bad settings, an unreachable store. Printed as one line,
 * with the stack trace only under {@code --verbose}.
 */
public class CairnException extends RuntimeException {
  private final int exitCode;

  public CairnException(String message) {
    this(message, 2, null);
  }

  public CairnException(String message, Throwable cause) {
    this(message, 2, cause);
  }

  public CairnException(String message, int exitCode, @Nullable Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
  }

  /** 1 when a run or job failed, 2 for bad usage, config or settings. */
  public int exitCode() {
    return exitCode;
  }
}
