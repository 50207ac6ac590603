package dev.cairn.scheduler.local;

import dev.cairn.scheduler.JobState;
import dev.cairn.scheduler.JobStatus;
import dev.cairn.scheduler.JobSubmission;
import dev.cairn.scheduler.Scheduler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.commons.exec.CommandLine;
import org.apache.commons.exec.DefaultExecuteResultHandler;
import org.apache.commons.exec.DefaultExecutor;
import org.apache.commons.exec.PumpStreamHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded scheduler: runs each script with bash as a detached child process, at most {@code
 * maxJobs} at a time. Its queue lives in a spool folder, one folder per job, so that jobs keep
 * running when the agent dies and a restarted agent finds them again, as with a real scheduler. A
 * small wrapper records the job's pid, start, end and exit code; the dispatcher thread starts
 * queued jobs, samples the memory of running ones and enforces time limits.
 */
public final class LocalScheduler implements Scheduler {
  private static final Logger log = LoggerFactory.getLogger(LocalScheduler.class);
  private static final Pattern TIME_DIRECTIVE =
      Pattern.compile("(?m)^#CAIRN-LOCAL --time=(\\d+)\\s*$");
  private static final String WRAPPER =
      String.join(
          "\n",
          "#!/bin/bash",
          "# Cairn local scheduler wrapper: records pid, times and exit code of one job.",
          "spool=\"$1\"",
          "exec </dev/null >/dev/null 2>&1",
          "echo $$ > \"$spool/pid\"",
          "date +%s > \"$spool/started\"",
          "bash \"$spool/script.sh\" >>\"$(cat \"$spool/stdout-path\")\" 2>>\"$(cat \"$spool/stderr-path\")\" &",
          "child=$!",
          "trap 'kill -TERM $child 2>/dev/null' TERM",
          "while :; do",
          "  wait $child; rc=$?",
          "  kill -0 $child 2>/dev/null || break",
          "done",
          "date +%s > \"$spool/ended\"",
          "echo $rc > \"$spool/exit.tmp\" && mv \"$spool/exit.tmp\" \"$spool/exit\"",
          "");

  private final Path spool;
  private final int maxJobs;
  private final Clock clock;
  private final ScheduledExecutorService dispatcher;
  private final Map<String, Long> peakKb = new HashMap<>();

  public LocalScheduler(Path spool, int maxJobs, Clock clock) throws IOException {
    this.spool = spool.toAbsolutePath().normalize();
    this.maxJobs = maxJobs;
    this.clock = clock;
    Files.createDirectories(this.spool.resolve("jobs"));
    Files.writeString(this.spool.resolve("wrapper.sh"), WRAPPER);
    this.dispatcher =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "cairn-local-scheduler");
              t.setDaemon(true);
              return t;
            });
    dispatcher.scheduleWithFixedDelay(this::dispatchQuietly, 0, 200, TimeUnit.MILLISECONDS);
  }

  @Override
  public String name() {
    return "local";
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
    Matcher m = TIME_DIRECTIVE.matcher(Files.readString(s.script()));
    if (m.find()) {
      Files.writeString(tmp.resolve("time-limit"), m.group(1));
    }
    Files.move(tmp, jobs.resolve(id));
    log.debug("local job {} queued: {}", id, s.jobName());
    dispatcher.execute(this::dispatchQuietly);
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
      kill(dir);
    }
    dispatcher.execute(this::dispatchQuietly);
  }

  @Override
  public void close() {
    dispatcher.shutdownNow();
  }

  private JobStatus read(String id, Path dir) throws IOException {
    String exit = readString(dir.resolve("exit"));
    Long started = readLong(dir.resolve("started"));
    Long ended = readLong(dir.resolve("ended"));
    long now = clock.instant().getEpochSecond();
    Long elapsed = started == null ? null : (ended == null ? now : ended) - started;
    Long peak = peakMb(id, dir);
    boolean cancelled = Files.exists(dir.resolve("cancelled"));
    boolean timedOut = Files.exists(dir.resolve("timed-out"));
    if (exit != null) {
      int code = Integer.parseInt(exit.strip());
      JobState state;
      String reason = null;
      if (timedOut) {
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
      return new JobStatus(id, JobState.PENDING, "Resources", null, null, null, null);
    }
    Long pid = readLong(dir.resolve("pid"));
    if (pid != null && !alive(pid, dir)) {
      // the wrapper died without recording an exit (machine restarted, wrapper killed)
      Path again = dir.resolve("exit");
      if (Files.exists(again)) {
        return read(id, dir);
      }
      return new JobStatus(
          id, JobState.LOST, "the job's process is gone", null, elapsed, null, peak);
    }
    return new JobStatus(id, JobState.RUNNING, null, null, elapsed, null, peak);
  }

  private void dispatchQuietly() {
    try {
      dispatch();
    } catch (IOException | UncheckedIOException e) {
      log.warn("local scheduler: {}", e.getMessage());
    } catch (RuntimeException e) {
      log.warn("local scheduler failed to dispatch", e);
    }
  }

  private synchronized void dispatch() throws IOException {
    List<Path> queued = new ArrayList<>();
    int running = 0;
    long now = clock.instant().getEpochSecond();
    try (Stream<Path> dirs = Files.list(spool.resolve("jobs"))) {
      List<Path> all =
          dirs.filter(p -> p.getFileName().toString().matches("\\d+"))
              .sorted((a, b) -> Long.compare(idOf(a), idOf(b)))
              .toList();
      for (Path dir : all) {
        if (Files.exists(dir.resolve("exit"))) {
          continue;
        }
        boolean launched = Files.exists(dir.resolve("launched"));
        if (!launched) {
          if (!Files.exists(dir.resolve("cancelled"))) {
            queued.add(dir);
          }
          continue;
        }
        Long pid = readLong(dir.resolve("pid"));
        if (pid == null || alive(pid, dir)) {
          running++;
          if (pid != null) {
            sample(dir, pid);
            Long started = readLong(dir.resolve("started"));
            Long limit = readLong(dir.resolve("time-limit"));
            if (started != null
                && limit != null
                && now - started > limit
                && !Files.exists(dir.resolve("timed-out"))) {
              Files.writeString(dir.resolve("timed-out"), Long.toString(now));
              log.info("local job {} reached its time limit of {} s", dir.getFileName(), limit);
              kill(dir);
            }
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

  private void launch(Path dir) throws IOException {
    Files.writeString(dir.resolve("launched"), Long.toString(clock.instant().getEpochSecond()));
    CommandLine line = new CommandLine("setsid");
    line.addArgument("bash", false);
    line.addArgument(spool.resolve("wrapper.sh").toString(), false);
    line.addArgument(dir.toString(), false);
    DefaultExecutor executor =
        DefaultExecutor.builder()
            .setWorkingDirectory(Path.of(readString(dir.resolve("workdir"))).toFile())
            .get();
    executor.setStreamHandler(new PumpStreamHandler(java.io.OutputStream.nullOutputStream()));
    executor.setExitValues(null);
    Map<String, String> env = new HashMap<>();
    // the job gets a clean environment: nothing of the agent's (credentials above all)
    for (String keep : List.of("PATH", "HOME", "USER", "LANG", "TMPDIR", "JAVA_HOME")) {
      String v = System.getenv(keep);
      if (v != null) {
        env.put(keep, v);
      }
    }
    executor.execute(line, env, new DefaultExecuteResultHandler());
    log.debug("local job {} started", dir.getFileName());
  }

  private void kill(Path dir) throws IOException {
    Long pid = readLong(dir.resolve("pid"));
    if (pid == null) {
      return;
    }
    ProcessHandle.of(pid)
        .ifPresent(
            p -> {
              // the wrapper is a session leader: stop its whole tree, workload first
              p.descendants().forEach(ProcessHandle::destroy);
              p.destroy();
            });
  }

  private void sample(Path dir, long pid) {
    Optional<ProcessHandle> handle = ProcessHandle.of(pid);
    if (handle.isEmpty()) {
      return;
    }
    long kb = rssKb(pid);
    for (ProcessHandle child : handle.get().descendants().toList()) {
      kb += rssKb(child.pid());
    }
    String id = dir.getFileName().toString();
    long previous = peakKb.getOrDefault(id, 0L);
    if (kb > previous) {
      peakKb.put(id, kb);
      if (kb - previous > 1024) {
        try {
          Files.writeString(dir.resolve("peak-rss-kb"), Long.toString(kb));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
  }

  private Long peakMb(String id, Path dir) throws IOException {
    long kb =
        Math.max(
            peakKb.getOrDefault(id, 0L),
            Optional.ofNullable(readLong(dir.resolve("peak-rss-kb"))).orElse(0L));
    return kb == 0 ? null : (kb + 1023) / 1024;
  }

  private static long rssKb(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException | NumberFormatException e) {
      // the process ended between listing and reading
    }
    return 0;
  }

  /** Alive and still our wrapper (not a reused pid). */
  private static boolean alive(long pid, Path dir) {
    try {
      byte[] cmd = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"));
      return new String(cmd, StandardCharsets.UTF_8).contains(dir.toString());
    } catch (IOException e) {
      return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)
          && !Files.isDirectory(Path.of("/proc"));
    }
  }

  private static long idOf(Path p) {
    return Long.parseLong(p.getFileName().toString());
  }

  private static String readString(Path p) throws IOException {
    try {
      return Files.readString(p).strip();
    } catch (NoSuchFileException e) {
      return null;
    }
  }

  private static Long readLong(Path p) throws IOException {
    String s = readString(p);
    if (s == null || s.isEmpty()) {
      return null;
    }
    try {
      return Long.parseLong(s);
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
