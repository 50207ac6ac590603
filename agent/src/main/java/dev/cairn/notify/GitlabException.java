package dev.cairn.notify;

import java.io.IOException;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * A request GitLab (or the chat webhook) did not accept: its HTTP status (0 where no answer came: a
 * timeout or a refused connection), the server's message, and how long a 429 asked to wait.
 */
final class GitlabException extends IOException {
  private final int status;
  private final @Nullable Duration retryAfter;

  GitlabException(int status, String message, @Nullable Duration retryAfter) {
    super(message);
    this.status = status;
    this.retryAfter = retryAfter;
  }

  int status() {
    return status;
  }

  /** The {@code Retry-After} of a 429 or 503, or null. */
  @Nullable Duration retryAfter() {
    return retryAfter;
  }

  /** No answer at all: the server is down or unreachable, so the other posts would fail too. */
  boolean unreachable() {
    return status == 0;
  }

  /** The metric label: the status class, or {@code timeout} and {@code unreachable}. */
  String reason() {
    if (status == 0) {
      String message = getMessage();
      return message != null && message.startsWith("timed out") ? "timeout" : "unreachable";
    }
    if (status >= 500) {
      return "5xx";
    }
    return Integer.toString(status);
  }
}
