package dev.cairn.scheduler.local;

import static dev.cairn.scheduler.local.SpoolFiles.readLong;

import dev.cairn.Faults;
import dev.cairn.scheduler.CommandEnvironment;
import dev.cairn.scheduler.CommandRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts queued local jobs up to the limit, samples the memory of running ones and enforces time
 * limits. A launch writes {@code launched}, then starts the wrapper detached; the wrapper writes
 * its pid atomically as its first act. A job marked launched that has neither a pid nor a live
 * process (the agent died between the mark and the start) is started again, so no job is ever
 * neither startable nor running.
 */
final class LocalDispatcher {
  private static final Logger log = LoggerFactory.getLogger(LocalDispatcher.class);
  static final String WRAPPER =
      String.join(
          "\n",
          "#!/bin/bash",
          "# Cairn local scheduler wrapper: records pid, times and exit code of one job.",
          "spool=\"$1\"",
          "exec </dev/null >/dev/null 2>&1",
          "echo $$ > \"$spool/pid.tmp\" && mv \"$spool/pid.tmp\" \"$spool/pid\"",
          "date +%s > \"$spool/started\"",
          "cd \"$(cat \"$spool/workdir\")\" || exit 1",
          "# the job runs in a subshell that records its own exit code, so that the code is kept",
          "# even when this wrapper is killed; the scheduler signals the job's processes itself",
          "trap : TERM",
          "(",
          "  trap : TERM",
          "  bash \"$spool/script.sh\" >>\"$(cat \"$spool/stdout-path\")\""
              + " 2>>\"$(cat \"$spool/stderr-path\")\"",
          "  rc=$?",
          "  date +%s > \"$spool/ended\"",
          "  echo $rc > \"$spool/exit.tmp\" && mv \"$spool/exit.tmp\" \"$spool/exit\"",
          ") &",
          "child=$!",
          "while kill -0 $child 2>/dev/null; do wait $child; done",
          "");

  /** Starts the wrapper in its own session, detached from the agent, with a clean environment. */
  private static final String DETACH =
      "exec setsid -f bash \"$0\" \"$1\" </dev/null >/dev/null 2>&1";

  /** Marks a queued job whose dependency ended without success: it will never start. */
  static final String NEVER = "dependency-never-satisfied";

  private final Path spool;
  private final int maxJobs;
  private final Clock clock;
  private final CommandRunner runner;
  private final Faults faults;
  private final Map<String, Long> peakKb = new ConcurrentHashMap<>();

  LocalDispatcher(Path spool, int maxJobs, Clock clock, CommandRunner runner, Faults faults) {
    this.spool = spool;
    this.faults = faults;
    this.maxJobs = maxJobs;
    this.clock = clock;
    this.runner = runner;
  }

  /** The highest memory this instance saw the job use, in KiB; 0 when never sampled. */
  long peakKb(String id) {
    return peakKb.getOrDefault(id, 0L);
  }

  synchronized void dispatch() throws IOException, InterruptedException {
    List<Path> queued = new ArrayList<>();
    int running = 0;
    try (Stream<Path> dirs = Files.list(spool.resolve("jobs"))) {
      List<Path> all =
          dirs.filter(p -> p.getFileName().toString().matches("\\d+"))
              .sorted((a, b) -> Long.compare(SpoolFiles.idOf(a), SpoolFiles.idOf(b)))
              .toList();
      for (Path dir : all) {
        if (Files.exists(dir.resolve("exit"))) {
          continue;
        }
        boolean cancelled = Files.exists(dir.resolve("cancelled"));
        if (!Files.exists(dir.resolve("launched"))) {
          if (!cancelled && dependencyMet(dir)) {
            queued.add(dir);
          }
          continue;
        }
        Long pid = readLong(dir.resolve("pid"));
        if (pid != null && LocalProcesses.alive(pid, dir)) {
          running++;
          ProcessHandle.of(pid).ifPresent(p -> sample(dir, p));
          enforceTimeLimit(dir, pid);
        } else if (!LocalProcesses.of(dir).isEmpty()) {
          // starting (no pid yet), or its wrapper died and the job's processes carry on
          running++;
          enforceTimeLimit(dir, pid);
        } else if (pid == null
            && readLong(dir.resolve("pid")) == null
            && !Files.exists(dir.resolve("exit"))) {
          log.info(
              "local job {} was marked launched but never started; queued again",
              dir.getFileName());
          Files.deleteIfExists(dir.resolve("launched"));
          Files.deleteIfExists(dir.resolve("started"));
          if (!cancelled) {
            queued.add(dir);
          }
        }
      }
    }
    for (Path dir : queued) {
      if (running >= maxJobs) {
        break;
      }
      launch(dir);
      running++;
    }
  }

  /**
   * Whether a queued job may start: it names no job in its {@code after} file, or that job ended
   * with exit code 0 (SLURM's afterok). One that ended otherwise marks this job as never to start.
   */
  private boolean dependencyMet(Path dir) throws IOException {
    String after = SpoolFiles.readString(dir.resolve("after"));
    if (after == null || Files.exists(dir.resolve(NEVER))) {
      return after == null;
    }
    Path dep = spool.resolve("jobs").resolve(after.strip());
    String exit = SpoolFiles.readString(dep.resolve("exit"));
    if (Files.isDirectory(dep) && exit == null) {
      return false;
    }
    boolean ok =
        "0".equals(exit == null ? null : exit.strip())
            && !Files.exists(dep.resolve("cancelled"))
            && !Files.exists(dep.resolve("timed-out"));
    if (!ok) {
      Files.writeString(dir.resolve(NEVER), after.strip());
      log.info("local job {} will never start: job {} did not succeed", dir.getFileName(), after);
    }
    return ok;
  }

  private void enforceTimeLimit(Path dir, @Nullable Long pid) throws IOException {
    long now = clock.instant().getEpochSecond();
    Long started = readLong(dir.resolve("started"));
    Long limit = readLong(dir.resolve("time-limit"));
    if (started != null
        && limit != null
        && now - started > limit
        && !Files.exists(dir.resolve("timed-out"))) {
      Files.writeString(dir.resolve("timed-out"), Long.toString(now));
      log.info("local job {} reached its time limit of {} s", dir.getFileName(), limit);
      LocalProcesses.terminate(dir, pid);
    }
  }

  private void launch(Path dir) throws IOException, InterruptedException {
    Files.writeString(dir.resolve("launched"), Long.toString(clock.instant().getEpochSecond()));
    faults.at("local-launch");
    // the job gets a clean environment: nothing of the agent's (credentials above all)
    Map<String, String> env =
        new HashMap<>(CommandEnvironment.LOCAL_JOB.passedFrom(System.getenv()));
    env.put(LocalProcesses.MARKER, dir.toString());
    CommandRunner.Result started =
        runner.run(
            List.of("bash", "-c", DETACH, spool.resolve("wrapper.sh").toString(), dir.toString()),
            null,
            env,
            true,
            Duration.ofSeconds(30));
    if (!started.ok()) {
      throw new IOException(
          "cannot start local job " + dir.getFileName() + ": " + started.describe());
    }
    faults.at("local-launched");
    log.debug("local job {} started", dir.getFileName());
  }

  private void sample(Path dir, ProcessHandle wrapper) {
    long kb = LocalProcesses.rssKb(wrapper);
    String id = dir.getFileName().toString();
    long previous = peakKb.getOrDefault(id, 0L);
    if (kb > previous) {
      peakKb.merge(id, kb, Math::max);
      if (kb - previous > 1024) {
        try {
          Files.writeString(dir.resolve("peak-rss-kb"), Long.toString(kb));
        } catch (IOException e) {
          log.debug("cannot record the memory of local job {}: {}", id, e.getMessage());
        }
      }
    }
  }
}
