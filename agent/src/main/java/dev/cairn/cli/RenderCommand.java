package dev.cairn.cli;

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
import dev.cairn.render.ScriptRenderer;
import dev.cairn.render.Site;
import dev.cairn.render.TemplateSet;
import dev.cairn.results.ConfigFiles;
import dev.cairn.scheduler.SchedulerRegistry;
import dev.cairn.scheduler.Schedulers;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code agent.jar render}: the local-first check of a config, submitting nothing. */
@Command(
    name = "render",
    mixinStandardHelpOptions = true,
    header = "Validate a config.env and list its trials and job arrays, submitting nothing.",
    description = {
      "Validate a config.env and list its trials (one line each: id, values, resources), their"
          + " job arrays and how many run at once, submitting nothing: the check to run before"
          + " committing a config change. With --scripts it also prints the batch script of"
          + " every trial and array; with --out DIR it writes them there."
    })
final class RenderCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      defaultValue = "config/config.env",
      description = "The experiment config (default: ${DEFAULT-VALUE}).")
  Path config;

  @Option(
      names = "--scheduler",
      paramLabel = "NAME",
      completionCandidates = SchedulerRegistry.Names.class,
      description =
          "Render for this scheduler instead of the config's SCHEDULER (an installed plug-in;"
              + " an unknown name lists them).")
  @Nullable String scheduler;

  @Mixin TemplatesOption templates;

  @Option(
      names = "--list",
      description =
          "Only the list of trials and arrays, no scripts (what render prints by default).")
  boolean list;

  @Option(
      names = "--scripts",
      description = "Print the batch script of every trial and array after the list.")
  boolean scripts;

  @Option(
      names = "--out",
      paramLabel = "DIR",
      description = "Write the scripts to <trial>.<scheduler>.sh files in DIR, and list the files.")
  @Nullable Path out;

  @Option(
      names = "--max-trials",
      paramLabel = "N",
      defaultValue = "256",
      description =
          "The site's CAIRN_MAX_TRIALS to check the sweep against (default: ${DEFAULT-VALUE}).")
  int maxTrials;

  @Option(
      names = "--max-array-size",
      paramLabel = "N",
      defaultValue = "1001",
      description =
          "The most elements of one job array (CAIRN_MAX_ARRAY_SIZE, else the cluster's"
              + " MaxArraySize; default: ${DEFAULT-VALUE}).")
  int maxArraySize;

  @Option(
      names = "--work-dir",
      paramLabel = "DIR",
      description =
          "Run folders root the scripts name, the agent's CAIRN_WORK_DIR (default: ~/.cairn/work,"
              + " as the agent's).")
  @Nullable Path workDir;

  @Option(
      names = "--commit",
      paramLabel = "SHA",
      defaultValue = "0000000000000000000000000000000000000000",
      description = "Commit the scripts name.")
  String commit;

  @Option(
      names = "--site-prologue",
      paramLabel = "FILE",
      description = "Site prologue file to include.")
  @Nullable Path prologue;

  @Option(
      names = "--trainer-jar",
      paramLabel = "FILE",
      description =
          "The demo trainer jar the scripts run with TRAINER=demo, the agent's CAIRN_TRAINER_JAR"
              + " (default: ~/.cairn/demo-trainer.jar, where the agent puts the one inside"
              + " agent.jar; render puts it there too when it writes or prints scripts).")
  @Nullable Path trainerJar;

  @Option(
      names = "--terratorch-configs",
      paramLabel = "DIR",
      defaultValue = "examples/terratorch",
      description =
          "The TerraTorch task configs the scripts use with TRAINER=terratorch where the"
              + " templates have none (default: ${DEFAULT-VALUE}).")
  String terratorchConfigs;

  @Override
  public Integer call() throws IOException {
    if (list && (scripts || out != null)) {
      throw new CairnException(
          "--list prints no scripts; drop --list to print them (--scripts) or write them (--out)");
    }
    TemplateSet set = templates.load();
    byte[] content = ConfigFiles.read(config, "pass --config with the path of your config.env");
    ExperimentConfig cfg = ExperimentConfig.parse(content, config.toString(), set.tasks());
    String target = scheduler != null ? scheduler : cfg.scheduler();
    String site = prologue == null ? "" : Files.readString(prologue);
    Path home = Path.of(System.getProperty("user.home"));
    Path trainer =
        trainerJar != null
            ? trainerJar.toAbsolutePath()
            : (scripts || out != null) && "demo".equals(cfg.trainer())
                ? Bundled.copyDemoTrainer(home.resolve(".cairn"))
                : home.resolve(".cairn/demo-trainer.jar");
    ScriptRenderer renderer =
        new ScriptRenderer(
            set, new Site(site, trainer.toString(), terratorchConfigs, Version.get()));
    Trials.checkLimit(cfg, maxTrials);
    Path runs = workDir != null ? workDir.toAbsolutePath() : home.resolve(".cairn/work");
    RunPlan plan = RunPlan.of(cfg, commit, Instant.now(), 1, runs);
    PrintWriter stdout = spec.commandLine().getOut();
    stdout.println(
        "# "
            + plan.jobs().size()
            + " trial(s) of "
            + cfg.tasks().size()
            + " task(s)"
            + (cfg.sweepMaxParallel() > 0 ? ", at most " + cfg.sweepMaxParallel() + " at once" : "")
            + ":");
    List<JobSpec> jobs = new ArrayList<>();
    for (JobSpec job : plan.jobs()) {
      stdout.println("# " + trialLine(job.trial()));
      jobs.add(job);
      if (job.stage().equals(JobSpec.TRAIN)) {
        JobSpec evaluate = job.evaluate(cfg.evalPartition(), cfg.evalTimeLimit());
        stdout.println("#   then evaluate: " + evaluate.trial().resources().describe());
        jobs.add(evaluate);
      }
    }
    int cap = cfg.sweepMaxParallel();
    boolean asArrays =
        cfg.sweeps() && Schedulers.runsArrays(target) && !(cap > 0 && cfg.splitsStages());
    Parallelism.Allocation allocation =
        Parallelism.allocate(
            asArrays ? arrays(plan, Math.max(2, maxArraySize)) : List.of(), cap, 0);
    List<ArrayJob> arrays = new ArrayList<>(allocation.started());
    arrays.addAll(allocation.held());
    for (ArrayJob array : arrays) {
      stdout.println(
          "# "
              + arrayLine(array, target)
              + (allocation.held().contains(array) ? ", held back" : ""));
    }
    if (cap > 0 && cfg.sweeps()) {
      stdout.println(
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
    if (!scripts && out == null) {
      stdout.flush();
      return 0;
    }
    stdout.println();
    for (JobSpec job : jobs) {
      String script = renderer.render(job, cfg, target, commit);
      String name = job.trial().id() + (job.stage().equals(JobSpec.EVALUATE) ? "-evaluate" : "");
      if (out != null) {
        Files.createDirectories(out);
        Path file = out.resolve(name + "." + target + ".sh");
        Files.writeString(file, script);
        stdout.println(file);
      } else {
        stdout.println("# ===== " + name + " (" + target + ") =====");
        stdout.print(script);
        stdout.println();
      }
    }
    for (ArrayJob array : arrays) {
      String script = renderer.renderArray(array, cfg, target, commit);
      if (out != null) {
        Path file =
            out.resolve(
                array.script().getFileName().toString().replace(".sh", "") + "." + target + ".sh");
        Files.writeString(file, script);
        stdout.println(file);
      } else {
        stdout.println(
            "# ===== array "
                + array.name()
                + " "
                + range(array, target)
                + (allocation.held().contains(array) ? ", held back" : "")
                + " ("
                + target
                + ") =====");
        stdout.print(script);
        stdout.println();
      }
    }
    stdout.flush();
    return 0;
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
              job.task().name() + " " + job.trial().resources(), k -> new ArrayList<>())
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
    return sb.append("  ").append(trial.resources().describe()).toString();
  }
}
