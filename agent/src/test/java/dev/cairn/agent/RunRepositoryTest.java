package dev.cairn.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.Json;
import java.nio.file.Files;
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
    Run run = run();
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

  /** A record without its request is ignored with a warning; the request accessor threw before. */
  @Test
  void loadAll_ignoresARecordWithoutItsRequest() throws Exception {
    RunRepository repository = savedWithout("request");
    assertTrue(repository.loadAll().isEmpty(), "a record naming no commit is not a run");
  }

  /**
   * A record written before runs kept their id (schema 1) gets its key as id, which names the run
   * too.
   */
  @Test
  void loadAll_givesARecordWithoutARunIdItsKey() throws Exception {
    RunRepository repository = savedWithout("run_id");
    Run loaded = repository.loadAll().get(0);
    assertEquals(run().key(), loaded.runId());
  }

  /** A repository holding the record of {@link #run()} as schema 1, its {@code field} removed. */
  private RunRepository savedWithout(String field) throws Exception {
    RunRepository repository = new RunRepository(tmp);
    repository.save(run());
    Path record = tmp.resolve("runs").resolve(run().key() + ".json");
    ObjectNode tree = (ObjectNode) Json.MAPPER.readTree(record.toFile());
    // as a previous release wrote it (schema 1), where a missing field may be migrated
    tree.put("schema", 1);
    tree.remove(field);
    Files.write(record, Json.MAPPER.writeValueAsBytes(tree));
    return repository;
  }

  private static Run run() {
    return Runs.run(
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
  }
}
