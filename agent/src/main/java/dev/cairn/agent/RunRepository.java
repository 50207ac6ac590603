package dev.cairn.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.Json;
import dev.cairn.model.RunRequest;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs persisted as one JSON file each under {@code <state>/runs/}, in the form of {@link
 * StoredRun} (older forms migrated by {@link StoredForm} when loaded), written to a temporary file,
 * forced to disk and renamed, so a crash leaves either the old or the new record, never half of
 * one.
 */
public final class RunRepository {
  private static final Logger LOG = LoggerFactory.getLogger(RunRepository.class);
  private final Path dir;

  public RunRepository(Path stateDir) throws IOException {
    this.dir = stateDir.resolve("runs");
    Files.createDirectories(dir);
  }

  public void save(Run run) throws IOException {
    Path target = dir.resolve(run.key() + ".json");
    Path tmp = dir.resolve(run.key() + ".json.tmp");
    byte[] bytes = Json.MAPPER.writeValueAsBytes(run.stored());
    // an interrupted thread would close the channel mid-write (ClosedByInterruptException) and
    // lose the record; the write is short, so it completes and the interrupt is kept for later
    boolean interrupted = Thread.interrupted();
    try {
      write(tmp, bytes);
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
    try {
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
    }
    // records were once named by run id, which two commits could share
    if (!run.runId().equals(run.key()) && run.runId().matches("[\\w.-]+")) {
      Files.deleteIfExists(dir.resolve(run.runId() + ".json"));
    }
  }

  /** Deletes the run's record. */
  public void delete(Run run) throws IOException {
    Files.deleteIfExists(dir.resolve(run.key() + ".json"));
  }

  private static void write(Path tmp, byte[] bytes) throws IOException {
    try (var channel =
        java.nio.channels.FileChannel.open(
            tmp,
            java.nio.file.StandardOpenOption.CREATE,
            java.nio.file.StandardOpenOption.TRUNCATE_EXISTING,
            java.nio.file.StandardOpenOption.WRITE)) {
      channel.write(java.nio.ByteBuffer.wrap(bytes));
      channel.force(true);
    }
  }

  private static RunRequest repaired(RunRequest r, @Nullable String createdAt) {
    String at = createdAt == null ? Instant.EPOCH.toString() : createdAt;
    try {
      Instant submitted = Instant.parse(r.submittedAt());
      if (!submitted.isBefore(RunRequest.EARLIEST)
          && submitted.isBefore(Instant.parse("3000-01-01T00:00:00Z"))) {
        at = r.submittedAt();
      }
    } catch (RuntimeException e) {
      // keep the agent's own time
    }
    return new RunRequest(
        r.commit(),
        r.branch(),
        r.pipeline(),
        null,
        null,
        at,
        r.configSha256(),
        r.attempt() == null || r.attempt() < 1 || r.attempt() > RunRequest.MAX_ATTEMPT
            ? 1
            : r.attempt(),
        null);
  }

  public List<Run> loadAll() throws IOException {
    List<Run> runs = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path p : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
        JsonNode tree = Json.MAPPER.readTree(p.toFile());
        int schema = StoredForm.schemaOf(tree);
        if (schema > StoredRun.SCHEMA) {
          LOG.warn(
              "ignoring the run record {}: it has schema {}, newer than this agent's {}; run the"
                  + " release that wrote it, or delete the record",
              p.getFileName(),
              schema,
              StoredRun.SCHEMA);
          continue;
        }
        if (!(tree instanceof ObjectNode record)
            || !RunRequest.isFullSha(tree.path("request").path("commit").asText(""))) {
          LOG.warn("ignoring the run record {}: it names no commit", p.getFileName());
          continue;
        }
        Run run =
            Run.restored(Json.MAPPER.treeToValue(StoredForm.current(record), StoredRun.class));
        if (run.request().problem() != null) {
          // saved by an agent that trusted the queue: a run must not stop the loop on each start
          run.repaired(repaired(run.request(), run.createdAt()));
        }
        runs.add(run);
      }
    }
    return runs;
  }
}
