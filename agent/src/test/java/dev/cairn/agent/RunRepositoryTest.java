package dev.cairn.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Run records survive a SIGTERM that interrupts the loop while it saves one. */
class RunRepositoryTest {
  @TempDir Path tmp;

  /** Issue 14: saving on an interrupted thread threw ClosedByInterruptException. */
  @Test
  void save_onAnInterruptedThreadWritesTheRecordAndKeepsTheInterrupt() throws Exception {
    RunRepository repository = new RunRepository(tmp);
    Run run =
        Runs.run(
            "r1",
            new dev.cairn.model.RunRequest(
                "ab".repeat(20),
                "main",
                "1",
                "A",
                "msg",
                "2026-12-01T00:00:00Z",
                "0".repeat(64),
                1,
                null));
    run.says("pushed results");
    Thread.currentThread().interrupt();
    try {
      repository.save(run);
      assertTrue(Thread.currentThread().isInterrupted(), "the interrupt is kept for the loop");
    } finally {
      Thread.interrupted();
    }
    assertEquals("pushed results", repository.loadAll().get(0).message());
  }
}
