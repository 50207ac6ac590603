package dev.cairn.agent;

import dev.cairn.Untrusted;
import dev.cairn.model.RunRequest;
import dev.cairn.model.RunState;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the agent keeps of rejected requests, which anyone who can write the bucket can make by the
 * thousand: once its status is written, a rejected run keeps a compact record (no run folder, no
 * request text, a message cut to one line) and at most {@link #MAX_KEPT} of them, none older than
 * {@link #MAX_AGE}, are kept. A record is forgotten only once the queue listing has moved past its
 * entry, so the entry is never received again.
 */
final class Retention {
  private static final Logger log = LoggerFactory.getLogger(Retention.class);

  /** The most rejected runs kept on record. */
  static final int MAX_KEPT = 1000;

  /** How long a rejected run is kept on record. */
  static final Duration MAX_AGE = Duration.ofDays(7);

  /** The longest message a compact record keeps. */
  static final int MAX_MESSAGE = 300;

  private Retention() {}

  /**
   * Whether the run was rejected before provenance proved anything about it: such a request holds
   * no attempt number, since anyone can write one before CI writes the genuine request.
   */
  static boolean failedUnproven(Run run) {
    return run.state() == RunState.REJECTED && run.verified() == null;
  }

  /** Compacts every rejected run whose status is written, then forgets those past the limits. */
  static void prune(RunBook book, Path workDir, @Nullable String marker, Instant now) {
    prune(book, workDir, marker, now, MAX_KEPT);
  }

  static void prune(RunBook book, Path workDir, @Nullable String marker, Instant now, int maxKept) {
    List<Run> rejected =
        book.all().stream()
            .filter(r -> r.state() == RunState.REJECTED && !r.statusPending())
            .toList();
    for (Run run : rejected) {
      if (run.runDir() != null || (run.message() != null && run.message().length() > MAX_MESSAGE)) {
        compact(run, workDir);
        book.persist(run);
      }
    }
    if (rejected.size() <= maxKept && rejected.stream().noneMatch(r -> tooOld(r, now))) {
      return;
    }
    List<Run> oldestFirst =
        rejected.stream().sorted(Comparator.comparing(Retention::receivedAt)).toList();
    int excess = oldestFirst.size() - maxKept;
    int forgotten = 0;
    for (Run run : oldestFirst) {
      if ((forgotten < excess || tooOld(run, now)) && passed(run, marker)) {
        book.remove(run);
        forgotten++;
      }
    }
    if (forgotten > 0) {
      log.info(
          "forgot {} rejected run(s) beyond the retention limit ({} kept, {} days)",
          forgotten,
          maxKept,
          MAX_AGE.toDays());
    }
  }

  /** Deletes the run folder (config copy, scripts) of a run that never ran. */
  static void dropFolder(Run run, Path workDir) {
    if (run.runDir() == null) {
      return;
    }
    Path dir = Path.of(run.runDir()).toAbsolutePath().normalize();
    Path runs = workDir.resolve("runs").toAbsolutePath().normalize();
    if (!dir.startsWith(runs) || dir.equals(runs) || !Files.isDirectory(dir)) {
      return;
    }
    try {
      Files.walkFileTree(
          dir,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                throws IOException {
              Files.delete(file);
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
              Files.delete(d);
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      log.warn("cannot delete the folder of rejected run {}: {}", run.runId(), e.getMessage());
    }
  }

  private static void compact(Run run, Path workDir) {
    dropFolder(run, workDir);
    RunRequest r = run.request();
    run.compacted(
        new RunRequest(
            r.commit(),
            r.branch(),
            null,
            null,
            null,
            r.submittedAt(),
            r.configSha256(),
            r.attempt(),
            null),
        Untrusted.oneLine(run.message(), MAX_MESSAGE));
  }

  private static boolean tooOld(Run run, Instant now) {
    return receivedAt(run).isBefore(now.minus(MAX_AGE));
  }

  /** Whether the queue listing will never return the run's entry again. */
  private static boolean passed(Run run, @Nullable String marker) {
    String key = run.queueKey();
    return key == null
        || !key.startsWith("queue/")
        || (marker != null && key.compareTo(marker) <= 0);
  }

  private static Instant receivedAt(Run run) {
    Instant at = Telemetry.receivedAt(run);
    return at == null ? Instant.EPOCH : at;
  }
}
