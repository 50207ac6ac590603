package dev.cairn;

import java.io.IOException;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Fault injection for the crash tests, off unless {@code CAIRN_TEST_CRASH_AT=<step>[:<n>]} is set:
 * the n-th time (default the first) this process reaches the named step it halts at once with exit
 * code 137, as {@code kill -9} would, or, with {@code CAIRN_TEST_CRASH_SIGNAL=TERM}, sends itself
 * SIGTERM and goes on once the loop has been asked to stop, as a service manager's stop would. With
 * {@code CAIRN_TEST_CRASH_SIGNAL=STOP} it stops itself (SIGSTOP) until the test, having broken
 * something the step needs, sends SIGCONT.
 */
public final class CrashPoint {
  private static final String STEP;
  private static final int NTH;
  private static final String SIGNAL;
  private static final Map<String, AtomicInteger> SEEN = new ConcurrentHashMap<>();
  private static volatile boolean stopAsked;

  static {
    String at = System.getenv("CAIRN_TEST_CRASH_AT");
    if (at == null || at.isBlank()) {
      STEP = null;
      NTH = 0;
    } else {
      String[] parts = at.strip().split(":", 2);
      STEP = parts[0];
      NTH = parts.length > 1 ? Integer.parseInt(parts[1]) : 1;
    }
    SIGNAL = String.valueOf(System.getenv("CAIRN_TEST_CRASH_SIGNAL")).toUpperCase(Locale.ROOT);
  }

  private CrashPoint() {}

  /** Marks the named step; a no-op unless a test asked to crash here. */
  public static void at(String step) {
    if (STEP == null || !STEP.equals(step)) {
      return;
    }
    if (SEEN.computeIfAbsent(step, s -> new AtomicInteger()).incrementAndGet() != NTH) {
      return;
    }
    boolean term = SIGNAL.equals("TERM");
    boolean stop = SIGNAL.equals("STOP");
    System.err.println(
        "cairn: test crash point "
            + step
            + ":"
            + NTH
            + (term ? " (SIGTERM)" : stop ? " (SIGSTOP)" : ""));
    System.err.flush();
    if (!term && !stop) {
      Runtime.getRuntime().halt(137);
    }
    try {
      new ProcessBuilder("kill", "-" + SIGNAL, Long.toString(ProcessHandle.current().pid()))
          .inheritIO()
          .start()
          .waitFor();
      if (stop) {
        return;
      }
      // go on only once the shutdown hook has asked the loop to stop: the loop then stops right
      // after this step, whatever the scheduling of the hook's thread, and the test knows where
      long deadline = System.nanoTime() + 30_000_000_000L;
      while (System.nanoTime() < deadline && !stopAsked) {
        Thread.sleep(10);
      }
    } catch (IOException e) {
      Runtime.getRuntime().halt(137);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Called by the shutdown hook once it has asked the loop to stop. */
  public static void stopAsked() {
    stopAsked = true;
  }
}
