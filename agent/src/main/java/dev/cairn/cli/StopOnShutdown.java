package dev.cairn.cli;

import java.time.Duration;

/**
 * While open, a JVM shutdown (SIGTERM, Ctrl-C) interrupts the daemon's thread and waits for it to
 * stop cleanly. Closed on every way out of the daemon, a crash included: a hook left behind would
 * wait for the very thread that is calling {@code System.exit}, and every exit after a crash would
 * hang for the whole wait.
 */
final class StopOnShutdown implements AutoCloseable {
  private final Thread hook;

  StopOnShutdown(Thread daemon, Duration wait) {
    this.hook =
        new Thread(
            () -> {
              Main.shuttingDown = true;
              daemon.interrupt();
              try {
                daemon.join(wait.toMillis());
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
