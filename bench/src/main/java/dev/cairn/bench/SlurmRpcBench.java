package dev.cairn.bench;

import dev.cairn.scheduler.CommandRunner;
import dev.cairn.scheduler.ExecCommandRunner;
import dev.cairn.scheduler.JobStatus;
import dev.cairn.scheduler.JobSubmission;
import dev.cairn.scheduler.slurm.SlurmOptions;
import dev.cairn.scheduler.slurm.SlurmScheduler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Measures what watching jobs costs slurmctld: submits short jobs, polls them at a fixed interval
 * until all have ended, and counts the controller's RPCs with sdiag, once with the batched status
 * query (one squeue per tick for all jobs) and once with one squeue per job per tick.
 */
public final class SlurmRpcBench {

  private static final Duration DEADLINE = Duration.ofMinutes(15);

  /** RPCs of one polling style over the whole life of {@code jobs} jobs. */
  public record Measure(
      String polling, int jobs, int ticks, int statusCommands, long seconds, SdiagCounters rpcs) {

    public long jobInfoRpcs() {
      return rpcs.count("REQUEST_JOB_INFO") + rpcs.count("REQUEST_JOB_INFO_SINGLE");
    }

    public double rpcsPerJob() {
      return (double) rpcs.total() / jobs;
    }
  }

  /** Both polling styles for the same number of jobs at the same interval. */
  public record Report(int jobs, Duration interval, Measure batched, Measure perJob) {

    /** A few lines a person can read, and README can quote. */
    public String format() {
      StringBuilder s = new StringBuilder();
      s.append(
          String.format(Locale.ROOT, "%d job(s), polled every %d s%n", jobs, interval.toSeconds()));
      s.append(
          String.format(
              Locale.ROOT,
              "%-9s %6s %9s %9s %10s %10s %9s%n",
              "polling",
              "ticks",
              "commands",
              "job-info",
              "all RPCs",
              "RPCs/job",
              "seconds"));
      for (Measure m : List.of(batched, perJob)) {
        s.append(
            String.format(
                Locale.ROOT,
                "%-9s %6d %9d %9d %10d %10.1f %9d%n",
                m.polling(),
                m.ticks(),
                m.statusCommands(),
                m.jobInfoRpcs(),
                m.rpcs().total(),
                m.rpcsPerJob(),
                m.seconds()));
      }
      s.append("batched RPCs by type: ").append(batched.rpcs().byType()).append('\n');
      s.append("per-job RPCs by type: ").append(perJob.rpcs().byType()).append('\n');
      return s.toString();
    }
  }

  private SlurmRpcBench() {}

  /** Runs both measures with the SLURM commands on PATH; scripts and logs go into workDir. */
  public static Report run(int jobs, Duration interval, Path workDir)
      throws IOException, InterruptedException {
    return run(jobs, interval, workDir, new ExecCommandRunner(), SlurmOptions.defaults());
  }

  public static Report run(
      int jobs, Duration interval, Path workDir, CommandRunner runner, SlurmOptions options)
      throws IOException, InterruptedException {
    if (jobs < 1) {
      throw new IllegalArgumentException("jobs must be at least 1");
    }
    Files.createDirectories(workDir);
    SlurmScheduler slurm = new SlurmScheduler(runner, options);
    Measure batched = measure("batched", true, jobs, interval, workDir, runner, options, slurm);
    Measure perJob = measure("per-job", false, jobs, interval, workDir, runner, options, slurm);
    return new Report(jobs, interval, batched, perJob);
  }

  private static Measure measure(
      String polling,
      boolean batch,
      int jobs,
      Duration interval,
      Path workDir,
      CommandRunner runner,
      SlurmOptions options,
      SlurmScheduler slurm)
      throws IOException, InterruptedException {
    long start = System.nanoTime();
    SdiagCounters before = SdiagCounters.read(runner, "sdiag", options.timeout());
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < jobs; i++) {
      ids.add(slurm.submit(submission(workDir, polling + "-" + i)));
    }
    int ticks = 0;
    int commands = 0;
    List<String> active = new ArrayList<>(ids);
    long deadline = start + DEADLINE.toNanos();
    while (!active.isEmpty()) {
      if (System.nanoTime() > deadline) {
        slurm.cancel(active);
        throw new IOException(active.size() + " bench job(s) still active after " + DEADLINE);
      }
      Thread.sleep(interval.toMillis());
      ticks++;
      if (batch) {
        commands++;
        active.removeIf(ended(slurm.status(active)));
      } else {
        List<String> done = new ArrayList<>();
        for (String id : active) {
          commands++;
          if (ended(slurm.status(List.of(id))).test(id)) {
            done.add(id);
          }
        }
        active.removeAll(done);
      }
    }
    SdiagCounters after = SdiagCounters.read(runner, "sdiag", options.timeout());
    SdiagCounters rpcs = after.minus(before);
    if (rpcs.count("REQUEST_SUBMIT_BATCH_JOB") < jobs) {
      throw new IOException("sdiag counted fewer submissions than made: was slurmctld restarted?");
    }
    long seconds = Duration.ofNanos(System.nanoTime() - start).toSeconds();
    return new Measure(polling, jobs, ticks, commands, seconds, rpcs);
  }

  private static Predicate<String> ended(Map<String, JobStatus> status) {
    return id -> status.containsKey(id) && status.get(id).state().isTerminal();
  }

  private static JobSubmission submission(Path workDir, String tag) throws IOException {
    return benchJob(
        workDir,
        "cairn-bench-" + tag,
        out ->
            "#SBATCH --open-mode=append\n"
                + "#SBATCH --time=5\n"
                + "#SBATCH --cpus-per-task=1\n"
                + "#SBATCH --mem=10M\n"
                + "sleep 1\n");
  }

  /**
   * Writes {@code <name>.sh} into workDir, a bash script with SLURM's job name and output file
   * ({@code <name>.out}, for stdout and stderr both) followed by {@code rest}, the lines that are
   * given the output file; the submission of that script.
   */
  static JobSubmission benchJob(Path workDir, String name, Function<Path, String> rest)
      throws IOException {
    Path out = workDir.resolve(name + ".out");
    Path script = workDir.resolve(name + ".sh");
    Files.writeString(
        script,
        "#!/bin/bash\n#SBATCH --job-name="
            + name
            + "\n#SBATCH --output="
            + out
            + "\n"
            + rest.apply(out));
    return new JobSubmission(name, script, workDir, out, out, Map.of());
  }

  /** {@code SlurmRpcBench [jobs...]}: runs the bench for each count (default 1 10 100). */
  public static void main(String[] args) throws Exception {
    List<Integer> counts =
        args.length == 0
            ? List.of(1, 10, 100)
            : List.of(args).stream().map(Integer::valueOf).toList();
    Path dir = Files.createTempDirectory("cairn-bench");
    for (int n : counts) {
      System.out.println(run(n, Duration.ofSeconds(2), dir).format());
    }
  }
}
