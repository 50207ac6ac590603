package dev.cairn.render;

import dev.cairn.Bundled;
import dev.cairn.CairnException;
import dev.cairn.Version;
import dev.cairn.config.ExperimentConfig;
import dev.cairn.plan.ArrayJob;
import dev.cairn.plan.JobSpec;
import dev.cairn.plan.Parallelism;
import dev.cairn.plan.RunPlan;
import dev.cairn.plan.Trial;
import dev.cairn.plan.Trials;
import dev.cairn.scheduler.Schedulers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What {@code render} shows of a config without submitting anything: its trials, the job arrays the
 * agent would submit and how many run at once, and the batch script of each.
 */
public final class RenderPreview {
  private final ExperimentConfig cfg;
  private final String target;
  private final String commit;
  private final RunPlan plan;

  /** Every trial's job, each train job followed by its evaluate job. */
  private final List<JobSpec> jobs;

  /** The listing's line of each of {@link #jobs}. */
  private final List<String> jobLines;

  private final boolean asArrays;
  private final Parallelism.Allocation allocation;

  /** The cluster whose share is shown, or null for the whole run. */
  private final @Nullable String cluster;

  /** A batch script: the file name it is written to, the banner it is printed under, its text. */
  public record Script(String fileName, String banner, String text) {}

  private RenderPreview(
      ExperimentConfig cfg,
      String target,
      String commit,
      RunPlan plan,
      List<JobSpec> jobs,
      List<String> jobLines,
      boolean asArrays,
      Parallelism.Allocation allocation,
      @Nullable String cluster) {
    this.cfg = cfg;
    this.target = target;
    this.commit = commit;
    this.plan = plan;
    this.jobs = jobs;
    this.jobLines = jobLines;
    this.asArrays = asArrays;
    this.allocation = allocation;
    this.cluster = cluster;
  }

  /**
   * Plans the run the agent would make of {@code cfg}: checks the sweep against {@code maxTrials},
   * names its run folders under {@code runs}, and groups its trials into arrays of at most {@code
   * maxArraySize} (at least 2) where the scheduler runs arrays.
   *
   * @param scheduler the scheduler to render for, or null for the config's SCHEDULER
   */
  public static RenderPreview plan(
      ExperimentConfig cfg,
      @Nullable String scheduler,
      int maxTrials,
      int maxArraySize,
      String commit,
      Instant now,
      Path runs) {
    return plan(cfg, scheduler, null, maxTrials, maxArraySize, commit, now, runs);
  }

  /**
   * As above, showing only what the agent of {@code cluster} runs where it is not null: the trials
   * the config routes there ({@code CLUSTER} and its overrides), or every trial of a config that
   * routes none.
   *
   * @throws CairnException when the config routes trials but none to {@code cluster}, naming the
   *     clusters it routes to
   */
  public static RenderPreview plan(
      ExperimentConfig cfg,
      @Nullable String scheduler,
      @Nullable String cluster,
      int maxTrials,
      int maxArraySize,
      String commit,
      Instant now,
      Path runs) {
    String target = scheduler != null ? scheduler : cfg.scheduler();
    Trials.checkLimit(cfg, maxTrials);
    RunPlan whole = RunPlan.of(cfg, commit, now, 1, runs);
    RunPlan plan = cluster == null ? whole : share(whole, cluster);
    List<JobSpec> jobs = new ArrayList<>();
    List<String> jobLines = new ArrayList<>();
    for (JobSpec job : plan.jobs()) {
      jobs.add(job);
      jobLines.add("# " + trialLine(job.trial()));
      if (job.stage().equals(JobSpec.TRAIN)) {
        JobSpec evaluate = job.evaluate(cfg.evalPartition(), cfg.evalTimeLimit());
        jobs.add(evaluate);
        jobLines.add("#   then evaluate: " + evaluate.trial().resources().describe());
      }
    }
    int cap = cfg.sweepMaxParallel();
    boolean asArrays =
        cfg.sweeps() && Schedulers.runsArrays(target) && !(cap > 0 && cfg.splitsStages());
    Parallelism.Allocation allocation =
        Parallelism.allocate(
            asArrays ? arrays(plan, Math.max(2, maxArraySize)) : List.of(), cap, 0);
    return new RenderPreview(
        cfg, target, commit, plan, jobs, jobLines, asArrays, allocation, cluster);
  }

  /** The trials of {@code whole} that the agent of {@code cluster} runs. */
  private static RunPlan share(RunPlan whole, String cluster) {
    if (!whole.config().routesClusters()) {
      return whole;
    }
    List<JobSpec> mine =
        whole.jobs().stream().filter(j -> j.trial().cluster().equals(cluster)).toList();
    if (mine.isEmpty()) {
      throw new CairnException(
          "the config routes no trial to cluster "
              + cluster
              + "; it routes to "
              + routes(whole)
              + ". Pass one of these to --cluster, or route trials there with CLUSTER,"
              + " <TASK>_CLUSTER or <MODEL>_CLUSTER");
    }
    return new RunPlan(
        whole.runId(), whole.commit(), whole.attempt(), whole.runDir(), whole.config(), mine);
  }

  /** {@code default (3 trials), lsf (3 trials)}: where the config sends its trials. */
  private static String routes(RunPlan plan) {
    Map<String, Integer> counts = new LinkedHashMap<>();
    plan.jobs().forEach(j -> counts.merge(j.trial().cluster(), 1, Integer::sum));
    List<String> parts = new ArrayList<>();
    counts.forEach((c, n) -> parts.add(c + " (" + n + " trial" + (n == 1 ? "" : "s") + ")"));
    return String.join(", ", parts);
  }

  /** The scheduler the scripts are for. */
  public String scheduler() {
    return target;
  }

  /**
   * The list {@code render} prints, one line each: the trials (and their evaluate jobs), the arrays
   * and, with SWEEP_MAX_PARALLEL, how many run at once.
   */
  public List<String> listing() {
    List<String> lines = new ArrayList<>();
    int cap = cfg.sweepMaxParallel();
    if (cluster != null) {
      lines.add(
          cfg.routesClusters()
              ? "# only what cluster "
                  + cluster
                  + " runs: the trials the config routes there (of "
                  + Trials.of(cfg).size()
                  + " in the run; its agent renders for its CAIRN_SCHEDULER where set,"
                  + " --scheduler here)"
              : "# the config routes no trial to a cluster (no CLUSTER key): the agent that claims"
                  + " the run runs every trial, on cluster "
                  + cluster
                  + " or any other");
    }
    lines.add(
        "# "
            + plan.jobs().size()
            + " trial(s) of "
            + cfg.tasks().size()
            + " task(s)"
            + (cap > 0 ? ", at most " + cap + " at once" : "")
            + ":");
    lines.addAll(jobLines);
    for (ArrayJob array : arrays()) {
      lines.add("# " + arrayLine(array, target) + heldBack(array));
    }
    if (cap > 0 && cfg.sweeps()) {
      lines.add(
          "# SWEEP_MAX_PARALLEL="
              + cap
              + (asArrays
                  ? " for the whole run: "
                      + describe(allocation.started(), target)
                      + " start at once"
                      + (allocation.held().isEmpty()
                          ? "."
                          : "; "
                              + describe(allocation.held(), target)
                              + " wait until trials end, each then throttled to the slots free"
                              + " (at most its %K).")
                  : ": the agent submits trials one by one, at most "
                      + cap
                      + " in the scheduler at once."));
    }
    return lines;
  }

  /** The script of every job, then of every array, rendered for the scheduler. */
  public List<Script> scripts(ScriptRenderer renderer) {
    List<Script> scripts = new ArrayList<>();
    for (JobSpec job : jobs) {
      String name = job.trial().id() + (job.stage().equals(JobSpec.EVALUATE) ? "-evaluate" : "");
      scripts.add(
          new Script(
              name + "." + target + ".sh",
              "# ===== " + name + " (" + target + ") =====",
              renderer.render(job, cfg, target, commit)));
    }
    for (ArrayJob array : arrays()) {
      scripts.add(
          new Script(
              array.script().getFileName().toString().replace(".sh", "") + "." + target + ".sh",
              "# ===== array "
                  + array.name()
                  + " "
                  + range(array, target)
                  + heldBack(array)
                  + " ("
                  + target
                  + ") =====",
              renderer.renderArray(array, cfg, target, commit)));
    }
    return scripts;
  }

  /**
   * The renderer of the scripts. Without {@code trainerJar} they name the demo trainer in {@code
   * cairnHome}, the agent's default, and it is copied there when the scripts are rendered for
   * TRAINER=demo ({@code rendersScripts}), so that they run as printed.
   */
  public static ScriptRenderer renderer(
      TemplateSet templates,
      ExperimentConfig cfg,
      String prologue,
      @Nullable Path trainerJar,
      boolean rendersScripts,
      Path cairnHome,
      String terratorchConfigs)
      throws IOException {
    Path trainer =
        trainerJar != null
            ? trainerJar.toAbsolutePath()
            : rendersScripts && "demo".equals(cfg.trainer())
                ? Bundled.copyDemoTrainer(cairnHome)
                : cairnHome.resolve(Bundled.DEMO_TRAINER);
    return new ScriptRenderer(
        templates, new Site(prologue, trainer.toString(), terratorchConfigs, Version.get()));
  }

  /** Writes the scripts into {@code dir} (made where missing); the files, in the same order. */
  public static List<Path> write(List<Script> scripts, Path dir) throws IOException {
    Files.createDirectories(dir);
    List<Path> files = new ArrayList<>();
    for (Script script : scripts) {
      files.add(Files.writeString(dir.resolve(script.fileName()), script.text()));
    }
    return files;
  }

  /** The arrays the agent starts at once, then those it holds back. */
  private List<ArrayJob> arrays() {
    List<ArrayJob> arrays = new ArrayList<>(allocation.started());
    arrays.addAll(allocation.held());
    return arrays;
  }

  private String heldBack(ArrayJob array) {
    return allocation.held().contains(array) ? ", held back" : "";
  }

  /**
   * {@code array <name>: 4 trials of landslide as [1-4]%2 (lsf)}: one array, its range in the
   * scheduler's own syntax.
   */
  static String arrayLine(ArrayJob array, String scheduler) {
    return "array "
        + array.name()
        + ": "
        + array.members().size()
        + " trials of "
        + array.members().get(0).task().name()
        + " as "
        + range(array, scheduler)
        + " ("
        + scheduler
        + ")";
  }

  /** The array's range as the scheduler writes it: SLURM's {@code 0-3%2}, LSF's {@code [1-4]%2}. */
  static String range(ArrayJob array, String scheduler) {
    int base = Schedulers.firstArrayIndex(scheduler);
    String range = array.range(base);
    if (base == 0) {
      return range;
    }
    int cut = range.indexOf('%');
    return cut < 0 ? "[" + range + "]" : "[" + range.substring(0, cut) + "]" + range.substring(cut);
  }

  /** {@code 2 array(s) [1-2]%2, [1-2]%2}: arrays as the scheduler numbers their elements. */
  private static String describe(List<ArrayJob> arrays, String scheduler) {
    return arrays.size()
        + " array(s) "
        + String.join(", ", arrays.stream().map(a -> range(a, scheduler)).toList());
  }

  /**
   * The arrays the agent submits: the trials of one task and resource shape, chunked; throttles are
   * set by {@link Parallelism}.
   */
  static List<ArrayJob> arrays(RunPlan plan, int maxSize) {
    Map<String, List<JobSpec>> groups = new LinkedHashMap<>();
    for (JobSpec job : plan.jobs()) {
      groups
          .computeIfAbsent(
              // each cluster's agent submits its own arrays
              job.task().name() + " " + job.trial().resources() + " " + job.trial().cluster(),
              k -> new ArrayList<>())
          .add(job);
    }
    List<ArrayJob> arrays = new ArrayList<>();
    for (List<JobSpec> group : groups.values()) {
      if (group.size() > 1) {
        arrays.addAll(ArrayJob.chunk(group, maxSize, 0));
      }
    }
    return arrays;
  }

  /** {@code <id> GEOFM=... LEARNING_RATE=... partition=... gpus=...}: what a trial gets. */
  static String trialLine(Trial trial) {
    StringBuilder sb = new StringBuilder(trial.id()).append(" ");
    trial.values().forEach((k, v) -> sb.append(' ').append(k).append('=').append(v));
    sb.append("  ").append(trial.resources().describe());
    if (!trial.cluster().isEmpty()) {
      sb.append(" cluster=").append(trial.cluster());
    }
    return sb.toString();
  }
}
