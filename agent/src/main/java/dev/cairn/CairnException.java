package dev.cairn;

import org.jspecify.annotations.Nullable;

/**
 * A problem the user can fix: bad input, config or settings, unless a subclass says otherwise.
 * Printed as one line, with the stack trace only under {@code --verbose}. The subclasses say what
 * went wrong, never how the process ends: the command layer alone chooses the exit code.
 */
public class CairnException extends RuntimeException {
  public CairnException(String message) {
    super(message);
  }

  public CairnException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
