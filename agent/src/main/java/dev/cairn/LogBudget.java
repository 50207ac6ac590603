package dev.cairn;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;

/**
 * A cap on lines of one kind that anyone who can write the bucket can cause (a line per rejected
 * request): at most {@code perWindow} in each window, then one line saying how many were held back.
 * Thousands of hostile entries cost a few dozen lines, not one each; what each request got is in
 * its status.json and the metrics.
 */
public final class LogBudget {
  /** The lines of one kind an agent logs per minute before it only counts them. */
  public static final int PER_MINUTE = 10;

  private final Logger log;
  private final Clock clock;
  private final String what;
  private final int perWindow;
  private final Duration window;
  private @Nullable Instant windowStart;
  private int used;
  private long held;

  public LogBudget(Logger log, Clock clock, String what, int perWindow, Duration window) {
    this.log = log;
    this.clock = clock;
    this.what = what;
    this.perWindow = perWindow;
    this.window = window;
  }

  /** {@link #PER_MINUTE} lines a minute. */
  public static LogBudget perMinute(Logger log, Clock clock, String what) {
    return new LogBudget(log, clock, what, PER_MINUTE, Duration.ofMinutes(1));
  }

  /** Whether one more line may be logged now; if not, it is counted. */
  public boolean allow() {
    roll();
    if (used < perWindow) {
      used++;
      return true;
    }
    held++;
    return false;
  }

  /** Ends the window once it is over, saying how many lines it held back. Call once per pass. */
  public void roll() {
    Instant now = clock.instant();
    Instant start = windowStart == null ? now : windowStart;
    if (!now.isBefore(start.plus(window))) {
      summarize(start);
      start = now;
      used = 0;
    }
    windowStart = start;
  }

  private void summarize(Instant start) {
    if (held > 0) {
      log.warn(
          "{} more {} not logged in the last {} s; each run's status.json says why",
          held,
          what,
          Math.max(1, Duration.between(start, clock.instant()).toSeconds()));
      held = 0;
    }
  }
}
