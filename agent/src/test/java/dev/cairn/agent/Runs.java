package dev.cairn.agent;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.Json;
import dev.cairn.model.RunRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Runs and jobs as the agent makes them, for the tests that need one without a store. */
final class Runs {
  private Runs() {}

  /** A run received for {@code request}, with nothing planned yet. */
  static Run run(String runId, RunRequest request) {
    return new Run(
        runId,
        "queue/" + runId,
        request,
        "2026-12-01T00:00:00Z",
        "0".repeat(64),
        null,
        "received; waiting to be validated");
  }

  /** A run received for the first attempt of an all-zero commit. */
  static Run run(String runId) {
    return run(
        runId,
        new RunRequest(
            "0".repeat(40), "main", "1", "A", "m", "2026-12-01T00:00:00Z", null, 1, null));
  }

  /** Rewrites the run's stored record with {@code request}, as an older agent wrote it. */
  static void storedWith(Path stateDir, Run run, RunRequest request) throws IOException {
    new RunRepository(stateDir).save(run);
    Path file = stateDir.resolve("runs").resolve(run.key() + ".json");
    ObjectNode record = (ObjectNode) Json.MAPPER.readTree(file.toFile());
    record.set("request", Json.MAPPER.valueToTree(request));
    Files.write(file, Json.MAPPER.writeValueAsBytes(record));
  }

  /** A job planned for {@code task}'s trial {@code trial} on SLURM, without stages or a gate. */
  static JobRun job(String task, @Nullable String trial) {
    return JobRun.planned(task, trial, Map.of(), Map.of(), "slurm", null, null, null);
  }
}
