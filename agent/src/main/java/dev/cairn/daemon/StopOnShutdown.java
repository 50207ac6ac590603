package dev.cairn.daemon;

import java.time.Duration;
import org.slf4j.LoggerFactory;

/**
 * While open, a JVM shutdown (SIGTERM, Ctrl-C) asks the daemon to stop and waits for it to stop
 * cleanly. Closed on every way out of the daemon, a crash included: a hook left behind would wait
 * for the very thread that is calling {@code System.exit}, and every exit after a crash would hang
 * for the whole wait.
 */
public final class StopOnShutdown implements AutoCloseable {
  private final Thread hook;

  /**
   * Whether the JVM is shutting down after a stop request (SIGTERM, Ctrl-C): then exit() must not
   * be called. The runtime itself knows, refusing any change to its hooks once they run, so no flag
   * needs keeping.
   */
  public static boolean shuttingDown() {
    Thread probe = new Thread(() -> {}, "cairn-shutdown-probe");
    try {
      Runtime.getRuntime().addShutdownHook(probe);
      Runtime.getRuntime().removeShutdownHook(probe);
      return false;
    } catch (IllegalStateException e) {
      return true;
    }
  }

  public StopOnShutdown(Thread daemon, Duration wait) {
    this(daemon, daemon::interrupt, wait);
  }

  /**
   * A shutdown runs {@code askToStop} (the loop then stops after the step it is in, which no
   * interrupt disturbs) and waits {@code grace} for the daemon's thread; a thread still busy then
   * is interrupted and given 5 s more.
   */
  public StopOnShutdown(Thread daemon, Runnable askToStop, Duration grace) {
    this.hook =
        new Thread(
            () -> {
              askToStop.run();
              try {
                daemon.join(grace.toMillis());
                if (daemon.isAlive()) {
                  LoggerFactory.getLogger(StopOnShutdown.class)
                      .warn(
                          "the step in progress did not end within {} s of the stop request;"
                              + " interrupting it",
                          grace.toSeconds());
                  daemon.interrupt();
                  daemon.join(5_000);
                }
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "cairn-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
  }

  /** Removes the hook; true when it was still registered. */
  boolean remove() {
    try {
      return Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // the JVM is shutting down already: the hook is running and must finish
      return false;
    }
  }

  @Override
  public void close() {
    remove();
  }
}
