package dev.cairn.cli;

import dev.cairn.config.ExperimentConfig;
import dev.cairn.config.SchedulerName;
import dev.cairn.plan.ArrayJob;
import dev.cairn.plan.JobSpec;
import dev.cairn.plan.Parallelism;
import dev.cairn.plan.RunPlan;
import dev.cairn.plan.Trial;
import dev.cairn.plan.Trials;
import dev.cairn.render.ScriptRenderer;
import dev.cairn.render.Site;
import dev.cairn.render.TemplateSet;
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
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code agent.jar render}: the local-first check of a config, submitting nothing. */
@Command(
    name = "render",
    mixinStandardHelpOptions = true,
    header = "Validate a config.env and print its batch scripts, submitting nothing.",
    description = {
      "Validate a config.env, list its trials (one line each: id, values, resources) and print",
      "(or write) the batch script of every trial, submitting nothing: the check to run before",
      "committing a config change."
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
      description =
          "Render for this scheduler instead of the config's SCHEDULER (slurm, lsf, local).")
  String scheduler;

  @Mixin TemplatesOption templates;

  @Option(
      names = "--out",
      paramLabel = "DIR",
      description = "Write <trial>.<scheduler>.sh files here instead of printing the scripts.")
  Path out;

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
      defaultValue = "/scratch/cairn",
      description = "Run folders root the scripts name (default: ${DEFAULT-VALUE}).")
  Path workDir;

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
  Path prologue;

  @Option(
      names = "--trainer-jar",
      paramLabel = "FILE",
      defaultValue = "/opt/cairn/demo-trainer.jar",
      description =
          "The demo trainer jar the scripts run with TRAINER=demo (default: ${DEFAULT-VALUE}).")
  String trainerJar;

  @Option(
      names = "--terratorch-configs",
      paramLabel = "DIR",
      defaultValue = "/opt/cairn/examples/terratorch",
      description =
          "The TerraTorch task configs the scripts use with TRAINER=terratorch"
              + " (default: ${DEFAULT-VALUE}).")
  String terratorchConfigs;

  @Override
  public Integer call() throws IOException {
    TemplateSet set = templates.load();
    byte[] content = ConfigFiles.read(config, "pass --config with the path of your config.env");
    ExperimentConfig cfg = ExperimentConfig.parse(content, config.toString(), set.tasks());
    String target = scheduler != null ? scheduler : cfg.scheduler();
    String site = prologue == null ? "" : Files.readString(prologue);
    ScriptRenderer renderer =
        new ScriptRenderer(set, new Site(site, trainerJar, terratorchConfigs, Version.get()));
    Trials.checkLimit(cfg, maxTrials);
    RunPlan plan = RunPlan.of(cfg, commit, Instant.now(), 1, workDir.toAbsolutePath());
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
    int cap = cfg.sweepMaxParallel();
    if (cfg.sweeps() && Schedulers.runsArrays(target) && !(cap > 0 && cfg.splitsStages())) {
      int base = SchedulerName.of(target).map(SchedulerName::firstArrayIndex).orElse(0);
      Parallelism.Allocation allocation =
          Parallelism.allocate(arrays(plan, Math.max(2, maxArraySize)), cap, 0);
      if (cap > 0) {
        stdout.println(
            "# SWEEP_MAX_PARALLEL="
                + cap
                + " for the whole run: "
                + describe(allocation.started(), base)
                + " start at once"
                + (allocation.held().isEmpty()
                    ? "."
                    : "; "
                        + describe(allocation.held(), base)
                        + " wait until trials end, each then throttled to the slots free (at most"
                        + " its %K below)."));
        stdout.println();
      }
      List<ArrayJob> all = new ArrayList<>(allocation.started());
      all.addAll(allocation.held());
      for (ArrayJob array : all) {
        String script = renderer.renderArray(array, cfg, target, commit);
        if (out != null) {
          Path file =
              out.resolve(
                  array.script().getFileName().toString().replace(".sh", "")
                      + "."
                      + target
                      + ".sh");
          Files.writeString(file, script);
          stdout.println(file);
        } else {
          stdout.println(
              "# ===== array "
                  + array.name()
                  + " "
                  + array.range(base)
                  + (allocation.held().contains(array) ? ", held back" : "")
                  + " ("
                  + target
                  + ") =====");
          stdout.print(script);
          stdout.println();
        }
      }
    } else if (cap > 0 && cfg.sweeps()) {
      stdout.println(
          "# SWEEP_MAX_PARALLEL="
              + cap
              + ": the agent submits trials one by one, at most "
              + cap
              + " in the scheduler at once.");
    }
    stdout.flush();
    return 0;
  }

  /** {@code 2 array(s) [1-2]%2, [1-2]%2}: arrays as the scheduler numbers their elements. */
  private static String describe(List<ArrayJob> arrays, int base) {
    return arrays.size()
        + " array(s) "
        + String.join(", ", arrays.stream().map(a -> a.range(base)).toList());
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
