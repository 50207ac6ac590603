package dev.cairn.agent;

import dev.cairn.Json;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Runs persisted as one JSON file each under {@code <state>/runs/}, written to a temporary file,
 * forced to disk and renamed, so a crash leaves either the old or the new record, never half of
 * one.
 */
public final class RunRepository {
  private final Path dir;

  public RunRepository(Path stateDir) throws IOException {
    this.dir = stateDir.resolve("runs");
    Files.createDirectories(dir);
  }

  public void save(Run run) throws IOException {
    Path target = dir.resolve(run.runId + ".json");
    Path tmp = dir.resolve(run.runId + ".json.tmp");
    byte[] bytes = Json.MAPPER.writeValueAsBytes(run);
    try (var channel =
        java.nio.channels.FileChannel.open(
            tmp,
            java.nio.file.StandardOpenOption.CREATE,
            java.nio.file.StandardOpenOption.TRUNCATE_EXISTING,
            java.nio.file.StandardOpenOption.WRITE)) {
      channel.write(java.nio.ByteBuffer.wrap(bytes));
      channel.force(true);
    }
    try {
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  public List<Run> loadAll() throws IOException {
    List<Run> runs = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path p : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
        runs.add(Json.MAPPER.readValue(p.toFile(), Run.class));
      }
    }
    return runs;
  }
}
