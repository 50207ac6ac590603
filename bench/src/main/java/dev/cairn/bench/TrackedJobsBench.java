package dev.cairn.bench;

import dev.cairn.scheduler.CommandRunner;
import dev.cairn.scheduler.ExecCommandRunner;
import dev.cairn.scheduler.JobStatus;
import dev.cairn.scheduler.JobSubmission;
import dev.cairn.scheduler.Scheduler;
import dev.cairn.scheduler.lsf.LsfOptions;
import dev.cairn.scheduler.lsf.LsfScheduler;
import dev.cairn.scheduler.slurm.SlurmOptions;
import dev.cairn.scheduler.slurm.SlurmScheduler;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What watching many jobs costs per tick: submits N held jobs (they stay pending, so all N are
 * tracked for the whole run), asks the scheduler for all of them once per tick as the agent does,
 * and prints the commands run per tick, slurmctld's RPCs per tick (sdiag), the tick time and this
 * process's resident memory. Every job is cancelled at the end, also when the bench fails.
 */
public final class TrackedJobsBench {
  private static final double MIB = 1024.0 * 1024.0;

  private TrackedJobsBench() {}

  /** Figures of one scheduler. */
  public record Report(
      String scheduler,
      int jobs,
      int ticks,
      Map<String, Long> commands,
      SdiagCounters rpcs,
      Duration meanTick,
      Duration maxTick,
      long rssMib) {

    public double commandsPerTick() {
      return commands.values().stream().mapToLong(Long::longValue).sum() / (double) ticks;
    }

    public double rpcsPerTick() {
      return rpcs.total() / (double) ticks;
    }

    public String format() {
      return String.format(
          Locale.ROOT,
          "%s: %d tracked job(s), %d ticks: %.1f command(s) per tick %s, %.1f slurmctld RPCs per"
              + " tick %s, tick %d ms mean / %d ms max, RSS %d MiB",
          scheduler,
          jobs,
          ticks,
          commandsPerTick(),
          commands,
          rpcsPerTick(),
          rpcs.byType(),
          meanTick.toMillis(),
          maxTick.toMillis(),
          rssMib);
    }
  }

  /** SLURM with the commands on PATH. */
  public static Report slurm(int jobs, int ticks, Duration interval, Path workDir, PrintStream out)
      throws IOException, InterruptedException {
    CountingRunner runner = new CountingRunner(new ExecCommandRunner());
    SlurmOptions options = SlurmOptions.defaults();
    Report report =
        run("slurm", new SlurmScheduler(runner, options), runner, jobs, ticks, interval, workDir);
    out.println(report.format());
    return report;
  }

  /**
   * LSF's commands from {@code binDir} (the emulator in {@code agent/src/test/lsf-emulator/bin}
   * runs them on the local SLURM; its state goes under {@code workDir}).
   */
  public static Report lsf(
      Path binDir, int jobs, int ticks, Duration interval, Path workDir, PrintStream out)
      throws IOException, InterruptedException {
    CountingRunner runner = new CountingRunner(new ExecCommandRunner());
    LsfOptions defaults = LsfOptions.of(binDir.toAbsolutePath().toString(), "bsub", "");
    Map<String, String> env = new HashMap<>(defaults.commandEnvironment());
    env.put("PATH", binDir.toAbsolutePath() + ":" + System.getenv("PATH"));
    env.put("LSF_EMULATOR_STATE", workDir.resolve("lsf-state").toString());
    LsfOptions options = defaults.withCommandEnvironment(env).withTimeout(Duration.ofSeconds(120));
    Report report =
        run("lsf", new LsfScheduler(runner, options), runner, jobs, ticks, interval, workDir);
    out.println(report.format());
    return report;
  }

  private static Report run(
      String name,
      Scheduler scheduler,
      CountingRunner runner,
      int jobs,
      int ticks,
      Duration interval,
      Path workDir)
      throws IOException, InterruptedException {
    if (jobs < 1 || ticks < 1) {
      throw new IllegalArgumentException("jobs and ticks must be at least 1");
    }
    Files.createDirectories(workDir);
    CommandRunner plain = new ExecCommandRunner();
    List<String> ids = Collections.synchronizedList(new ArrayList<>());
    try {
      submitAll(scheduler, name, jobs, workDir, ids);
      runner.reset();
      SdiagCounters before = SdiagCounters.read(plain, "sdiag", Duration.ofSeconds(30));
      long total = 0;
      long max = 0;
      for (int i = 0; i < ticks; i++) {
        Thread.sleep(interval.toMillis());
        long start = System.nanoTime();
        Map<String, JobStatus> status = scheduler.status(ids);
        long took = System.nanoTime() - start;
        total += took;
        max = Math.max(max, took);
        long ended = status.values().stream().filter(s -> s.state().isTerminal()).count();
        if (status.size() != ids.size() || ended > 0) {
          throw new IOException(
              name
                  + ": "
                  + status.size()
                  + " of "
                  + ids.size()
                  + " jobs seen, "
                  + ended
                  + " ended");
        }
      }
      SdiagCounters rpcs = SdiagCounters.read(plain, "sdiag", Duration.ofSeconds(30)).minus(before);
      return new Report(
          name,
          jobs,
          ticks,
          runner.counts(),
          rpcs,
          Duration.ofNanos(total / ticks),
          Duration.ofNanos(max),
          rssMib());
    } finally {
      if (!ids.isEmpty()) {
        scheduler.cancel(List.copyOf(ids));
      }
    }
  }

  /**
   * Submits on a few threads: a thousand submissions one by one would take minutes. After a failure
   * no new submission starts, and those in flight are waited for, so that every job submitted is in
   * {@code ids} to be cancelled.
   */
  private static void submitAll(
      Scheduler scheduler, String name, int jobs, Path workDir, List<String> ids)
      throws IOException, InterruptedException {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    AtomicBoolean failed = new AtomicBoolean();
    List<Future<?>> futures = new ArrayList<>();
    for (int i = 0; i < jobs; i++) {
      int n = i;
      futures.add(
          pool.submit(
              () -> {
                if (failed.get()) {
                  return null;
                }
                try {
                  ids.add(scheduler.submit(heldJob(workDir, name + "-" + n)));
                } catch (IOException | RuntimeException e) {
                  failed.set(true);
                  throw e;
                }
                return null;
              }));
    }
    pool.shutdown();
    pool.awaitTermination(30, TimeUnit.MINUTES);
    for (Future<?> f : futures) {
      try {
        f.get();
      } catch (ExecutionException e) {
        Throwable cause = e.getCause() == null ? e : e.getCause();
        throw new IOException("submitting the bench's jobs failed: " + cause.getMessage(), cause);
      }
    }
  }

  private static JobSubmission heldJob(Path workDir, String tag) throws IOException {
    String name = "cairn-bench-held-" + tag;
    return SlurmRpcBench.benchJob(
        workDir,
        name,
        out ->
            "#SBATCH --hold\n#SBATCH --time=1\n#SBATCH --mem=10M\n"
                + "#BSUB -J "
                + name
                + "\n#BSUB -o "
                + out
                + "\ntrue\n");
  }

  private static long rssMib() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Math.round(Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024 / MIB);
        }
      }
    } catch (IOException | NumberFormatException e) {
      // not Linux: no figure
    }
    return -1;
  }

  /** Counts the commands run, by program name. */
  static final class CountingRunner implements CommandRunner {
    private final CommandRunner inner;
    private final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();

    CountingRunner(CommandRunner inner) {
      this.inner = inner;
    }

    void reset() {
      counts.clear();
    }

    Map<String, Long> counts() {
      Map<String, Long> result = new TreeMap<>();
      counts.forEach((k, v) -> result.put(k, v.get()));
      return result;
    }

    @Override
    public Result run(Call call) throws IOException, InterruptedException {
      String program = Path.of(call.command().get(0)).getFileName().toString();
      counts.computeIfAbsent(program, k -> new AtomicLong()).incrementAndGet();
      return inner.run(call);
    }
  }
}
