package dev.cairn.scheduler.local;

import static dev.cairn.scheduler.local.SpoolFiles.readLong;
import static dev.cairn.scheduler.local.SpoolFiles.readString;

import dev.cairn.Faults;
import dev.cairn.model.JobState;
import dev.cairn.scheduler.CommandRunner;
import dev.cairn.scheduler.ExecCommandRunner;
import dev.cairn.scheduler.JobStatus;
import dev.cairn.scheduler.JobSubmission;
import dev.cairn.scheduler.Scheduler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded scheduler: runs each script with bash as a detached child process, at most {@code
 * maxJobs} at a time. Its queue lives in a spool folder, one folder per job, so that jobs keep
 * running when the agent dies and a restarted agent finds them again, as with a real scheduler. A
 * small wrapper records the job's pid, start, end and exit code; the {@link LocalDispatcher} starts
 * queued jobs, samples the memory of running ones and enforces time limits.
 */
public final class LocalScheduler implements Scheduler {
  private static final Logger log = LoggerFactory.getLogger(LocalScheduler.class);
  private static final Pattern TIME_DIRECTIVE =
      Pattern.compile("(?m)^#CAIRN-LOCAL --time=(\\d+)\\s*$");

  private final Path spool;
  private final Clock clock;
  private final LocalDispatcher dispatcher;
  private final ScheduledExecutorService thread;

  public LocalScheduler(Path spool, int maxJobs, Clock clock) throws IOException {
    this(spool, maxJobs, clock, new ExecCommandRunner());
  }

  public LocalScheduler(Path spool, int maxJobs, Clock clock, CommandRunner runner)
      throws IOException {
    this(spool, maxJobs, clock, runner, Faults.NONE);
  }

  /** As above, marking the launch of each job in {@code faults} for the crash tests. */
  public LocalScheduler(Path spool, int maxJobs, Clock clock, CommandRunner runner, Faults faults)
      throws IOException {
    this.spool = spool.toAbsolutePath().normalize();
    this.clock = clock;
    Files.createDirectories(this.spool.resolve("jobs"));
    Files.writeString(this.spool.resolve("wrapper.sh"), LocalDispatcher.WRAPPER);
    this.dispatcher = new LocalDispatcher(this.spool, maxJobs, clock, runner, faults);
    this.thread =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "cairn-local-scheduler");
              t.setDaemon(true);
              return t;
            });
    thread.scheduleWithFixedDelay(this::dispatchQuietly, 0, 200, TimeUnit.MILLISECONDS);
  }

  @Override
  public String name() {
    return LocalProvider.NAME;
  }

  @Override
  public synchronized String submit(JobSubmission s) throws IOException {
    Path jobs = spool.resolve("jobs");
    long next = 1;
    try (Stream<Path> dirs = Files.list(jobs)) {
      next +=
          dirs.map(p -> p.getFileName().toString())
              .filter(n -> n.matches("\\d+"))
              .mapToLong(Long::parseLong)
              .max()
              .orElse(0);
    }
    String id = Long.toString(next);
    Path tmp = Files.createTempDirectory(jobs, ".new-");
    Files.copy(s.script(), tmp.resolve("script.sh"), StandardCopyOption.REPLACE_EXISTING);
    Files.writeString(tmp.resolve("name"), s.jobName());
    Files.createDirectories(s.stdout().toAbsolutePath().getParent());
    Files.createDirectories(s.stderr().toAbsolutePath().getParent());
    Files.writeString(tmp.resolve("stdout-path"), s.stdout().toAbsolutePath().toString());
    Files.writeString(tmp.resolve("stderr-path"), s.stderr().toAbsolutePath().toString());
    Files.writeString(tmp.resolve("workdir"), s.workDir().toAbsolutePath().toString());
    Files.writeString(tmp.resolve("submitted"), Long.toString(clock.instant().getEpochSecond()));
    if (s.afterOk() != null) {
      Files.writeString(tmp.resolve("after"), s.afterOk());
    }
    Matcher m = TIME_DIRECTIVE.matcher(Files.readString(s.script()));
    if (m.find()) {
      Files.writeString(tmp.resolve("time-limit"), m.group(1));
    }
    Files.move(tmp, jobs.resolve(id));
    log.debug("local job {} queued: {}", id, s.jobName());
    thread.execute(this::dispatchQuietly);
    return id;
  }

  @Override
  public Map<String, JobStatus> status(Collection<String> ids) throws IOException {
    Map<String, JobStatus> result = new HashMap<>();
    for (String id : ids) {
      Path dir = spool.resolve("jobs").resolve(id);
      if (!Files.isDirectory(dir)) {
        result.put(
            id, new JobStatus(id, JobState.LOST, "not in the local spool", null, null, null, null));
        continue;
      }
      result.put(id, read(id, dir));
    }
    return result;
  }

  @Override
  public Optional<String> findByName(String jobName) throws IOException {
    try (Stream<Path> dirs = Files.list(spool.resolve("jobs"))) {
      for (Path d : dirs.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
        if (jobName.equals(readString(d.resolve("name")))) {
          return Optional.of(d.getFileName().toString());
        }
      }
    }
    return Optional.empty();
  }

  @Override
  public void cancel(Collection<String> ids) throws IOException {
    for (String id : ids) {
      Path dir = spool.resolve("jobs").resolve(id);
      if (!Files.isDirectory(dir) || Files.exists(dir.resolve("exit"))) {
        continue;
      }
      Files.writeString(dir.resolve("cancelled"), "cancelled");
      if (Files.exists(dir.resolve("launched"))) {
        LocalProcesses.terminate(dir, readLong(dir.resolve("pid")));
      }
    }
    thread.execute(this::dispatchQuietly);
  }

  @Override
  public void close() {
    thread.shutdownNow();
  }

  private JobStatus read(String id, Path dir) throws IOException {
    String exit = readString(dir.resolve("exit"));
    Long started = readLong(dir.resolve("started"));
    Long ended = readLong(dir.resolve("ended"));
    long now = clock.instant().getEpochSecond();
    Long elapsed = started == null ? null : (ended == null ? now : ended) - started;
    Long peak = peakMb(id, dir);
    boolean cancelled = Files.exists(dir.resolve("cancelled"));
    if (exit != null) {
      int code = Integer.parseInt(exit.strip());
      JobState state;
      String reason = null;
      if (Files.exists(dir.resolve("timed-out"))) {
        state = JobState.TIMEOUT;
        reason = "time limit reached";
      } else if (cancelled) {
        state = JobState.CANCELLED;
        reason = "cancelled";
      } else if (code == 0) {
        state = JobState.COMPLETED;
      } else {
        state = JobState.FAILED;
        reason = code > 128 ? "killed by signal " + (code - 128) : "exit code " + code;
      }
      return new JobStatus(id, state, reason, code, elapsed, null, peak);
    }
    if (started == null) {
      if (cancelled) {
        return new JobStatus(
            id, JobState.CANCELLED, "cancelled while queued", null, null, null, null);
      }
      if (Files.exists(dir.resolve(LocalDispatcher.NEVER))) {
        return new JobStatus(
            id, JobState.FAILED, JobStatus.NEVER_SATISFIED, null, null, null, null);
      }
      String reason = Files.exists(dir.resolve("after")) ? "Dependency" : "Resources";
      return new JobStatus(id, JobState.PENDING, reason, null, null, null, null);
    }
    Long pid = readLong(dir.resolve("pid"));
    if (pid != null && !LocalProcesses.alive(pid, dir)) {
      // the wrapper died without recording an exit (machine restarted, wrapper killed): the job is
      // lost only when none of its processes survive, else it would run twice
      if (Files.exists(dir.resolve("exit"))) {
        return read(id, dir);
      }
      if (LocalProcesses.of(dir).isEmpty()) {
        // the job records its exit just before its last process ends: look again, or a job that
        // finished between the two looks would be called LOST and run a second time
        if (Files.exists(dir.resolve("exit"))) {
          return read(id, dir);
        }
        if (cancelled) {
          // a cancel that reached the job before its wrapper's subshell could record the exit
          return new JobStatus(id, JobState.CANCELLED, "cancelled", null, elapsed, null, peak);
        }
        return new JobStatus(
            id, JobState.LOST, "the job's process is gone", null, elapsed, null, peak);
      }
    }
    return new JobStatus(id, JobState.RUNNING, null, null, elapsed, null, peak);
  }

  private void dispatchQuietly() {
    try {
      dispatcher.dispatch();
    } catch (IOException | UncheckedIOException e) {
      log.warn("local scheduler: {}", e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      log.warn("local scheduler failed to dispatch", e);
    }
  }

  private @Nullable Long peakMb(String id, Path dir) throws IOException {
    long kb =
        Math.max(
            dispatcher.peakKb(id),
            Optional.ofNullable(readLong(dir.resolve("peak-rss-kb"))).orElse(0L));
    return kb == 0 ? null : (kb + 1023) / 1024;
  }
}
