package dev.cairn;

import java.io.IOException;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * Fault injection for the crash tests: the n-th time (default the first) this agent reaches the
 * named step it halts at once with exit code 137, as {@code kill -9} would, or, with signal {@code
 * TERM}, sends itself SIGTERM and goes on once the loop has been asked to stop, as a service
 * manager's stop would. With {@code STOP} it stops itself (SIGSTOP) until the test, having broken
 * something the step needs, sends SIGCONT. Several steps, comma-separated, halt it at whichever it
 * reaches first: a test then walks through a run's steps in the order the agent reaches them,
 * whatever the timing of its jobs.
 */
final class CrashFaults implements Faults {
  private final java.util.Set<String> steps;
  private final int nth;
  private final String signal;
  private final AtomicInteger seen = new AtomicInteger();
  private volatile boolean stopAsked;

  CrashFaults(String step, int nth, String signal) {
    this.steps = java.util.Set.of(step.split(","));
    this.nth = nth;
    this.signal = signal;
  }

  /** {@code <step>[:<n>]} or {@code <step>,<step>,...}, and the signal's name (null: halt). */
  static CrashFaults parse(String at, @Nullable String signal) {
    String[] parts = at.strip().split(":", 2);
    return new CrashFaults(
        parts[0],
        parts.length > 1 ? Integer.parseInt(parts[1]) : 1,
        String.valueOf(signal).toUpperCase(Locale.ROOT));
  }

  @Override
  public void at(String reached) {
    if (!steps.contains(reached) || seen.incrementAndGet() != nth) {
      return;
    }
    String step = reached;
    boolean term = signal.equals("TERM");
    boolean stop = signal.equals("STOP");
    System.err.println(
        "cairn: test crash point "
            + step
            + ":"
            + nth
            + (term ? " (SIGTERM)" : stop ? " (SIGSTOP)" : ""));
    System.err.flush();
    if (!term && !stop) {
      Runtime.getRuntime().halt(137);
    }
    try {
      new ProcessBuilder("kill", "-" + signal, Long.toString(ProcessHandle.current().pid()))
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

  @Override
  public void stopAsked() {
    stopAsked = true;
  }
}
