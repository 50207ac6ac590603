package dev.cairn.daemon;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class StopOnShutdownTest {
  @Test
  void close_removesTheHookSoAnExitAfterACrashDoesNotWait() {
    StopOnShutdown stop = new StopOnShutdown(Thread.currentThread(), Duration.ofSeconds(30));
    try (stop) {
      // the daemon crashes here: try-with-resources still closes the hook
      throw new IllegalStateException("crash");
    } catch (IllegalStateException expected) {
      // as RunCommand lets it reach Main
    }
    assertFalse(stop.remove(), "no hook is left to join the exiting thread for 30 s");
  }

  @Test
  void remove_isTrueOnlyWhileRegistered() {
    StopOnShutdown stop = new StopOnShutdown(Thread.currentThread(), Duration.ofSeconds(30));
    assertTrue(stop.remove());
    assertFalse(stop.remove());
  }
}
