package dev.cairn.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.Bundled;
import dev.cairn.CairnException;
import dev.cairn.Version;
import dev.cairn.collect.JobOutputs;
import dev.cairn.config.ExperimentConfig;
import dev.cairn.dvc.DvcConfig;
import dev.cairn.dvc.DvcFile;
import dev.cairn.dvc.DvcOutput;
import dev.cairn.dvc.DvcPuller;
import dev.cairn.model.StoreKeys;
import dev.cairn.plan.JobSpec;
import dev.cairn.plan.RunPlan;
import dev.cairn.render.ScriptRenderer;
import dev.cairn.render.Site;
import dev.cairn.render.TemplateSet;
import dev.cairn.results.OutputsPull;
import dev.cairn.results.ResultsCommit;
import dev.cairn.scheduler.CommandEnvironment;
import dev.cairn.scheduler.CommandRunner;
import dev.cairn.scheduler.ExecCommandRunner;
import dev.cairn.store.ObjectStore;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code agent.jar rerun-stage}: runs a results commit's evaluate stage again on this machine from
 * the checkpoints the run published ({@code PUBLISH_CHECKPOINTS=true}), without training, and sets
 * the metrics it gets beside the published ones.
 */
@Command(
    name = "rerun-stage",
    mixinStandardHelpOptions = true,
    header = "Evaluate a results commit's trials again from their published checkpoints.",
    description = {
      "Pull the checkpoints a results commit versioned (its config had PUBLISH_CHECKPOINTS=true)",
      "from the DVC remote of .dvc/config, render each trial's evaluate job from the run's config",
      "and run it here (test, predict, plot; no training), then print its test metrics beside",
      "the published ones. Exit code 0 when every evaluate job succeeded."
    })
final class RerunStageCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin ResultsCommitOptions commit;

  @Option(
      names = "--trial",
      paramLabel = "ID",
      description = "Only this trial (repeatable; default: every trial of the run).")
  List<String> trials = new ArrayList<>();

  @Option(
      names = "--work-dir",
      paramLabel = "DIR",
      description = "Where the checkpoints, scripts and outputs go (default: rerun-<run-id>).")
  @Nullable Path workDir;

  @Mixin TemplatesOption templates;

  @Option(
      names = "--trainer-jar",
      paramLabel = "FILE",
      description = "The demo trainer for TRAINER=demo (default: the one inside agent.jar).")
  @Nullable Path trainerJar;

  @Option(
      names = "--site-prologue",
      paramLabel = "FILE",
      description = "Site prologue to include (module loads, a virtual environment).")
  @Nullable Path prologue;

  @Option(
      names = "--terratorch-configs",
      paramLabel = "DIR",
      defaultValue = "examples/terratorch",
      description = "The TerraTorch task configs (default: ${DEFAULT-VALUE}).")
  String terratorchConfigs;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    ResultsCommit recorded = commit.read();
    String rel = StoreKeys.resultsDir(recorded.runId());
    String checkpoints = recorded.text(rel + "/checkpoints.dvc");
    if (checkpoints == null) {
      throw new CairnException(
          recorded.sha()
              + " published no checkpoints (PUBLISH_CHECKPOINTS was not true in its config);"
              + " use reproduce to train the run again, or set PUBLISH_CHECKPOINTS=true");
    }
    Path work = (workDir != null ? workDir : Path.of("rerun-" + recorded.runId())).toAbsolutePath();
    TemplateSet set = templates.load();
    ExperimentConfig cfg =
        ExperimentConfig.parse(recorded.config(), rel + "/config.env", set.tasks());
    List<JobSpec> jobs = evaluateJobs(recorded, cfg, work);

    String dvcConfig = recorded.text(".dvc/config");
    if (dvcConfig == null) {
      throw new CairnException(
          recorded.sha()
              + " has checkpoints.dvc but no .dvc/config naming their remote; publish them again"
              + " with the agent (it writes .dvc/config), or use reproduce to train the run again");
    }
    DvcConfig.Remote remote = DvcConfig.readRemote(dvcConfig, recorded.sha() + ":.dvc/config");
    try (ObjectStore store = OutputsPull.open(remote)) {
      DvcPuller puller = new DvcPuller(store, "", 8);
      for (DvcOutput output : DvcFile.parse(checkpoints, rel + "/checkpoints.dvc")) {
        var report = puller.pull(output, work);
        out.printf(
            "checkpoints: %d file(s) pulled into %s%n",
            report.downloaded() + report.skipped(), work.resolve(output.path()));
      }
    }

    Path trainer = trainerJar != null ? trainerJar : Bundled.copyDemoTrainer(work);
    String site = prologue == null ? "" : Files.readString(prologue);
    ScriptRenderer renderer =
        new ScriptRenderer(
            set, new Site(site, trainer.toString(), terratorchConfigs, Version.get()));
    CommandRunner runner = new ExecCommandRunner();
    boolean allOk = true;
    for (JobSpec job : jobs) {
      Files.createDirectories(job.script().getParent());
      Files.createDirectories(job.outputDir());
      Files.writeString(job.script(), renderer.render(job, cfg, "local", recorded.configCommit()));
      out.printf("%s: evaluating from %s%n", job.trial().id(), job.checkpointDir());
      out.flush();
      Files.createDirectories(job.outFile().getParent());
      Files.createDirectories(job.errFile().getParent());
      // the job's output goes straight to its out and err files, as a scheduler would write it
      CommandRunner.Result result =
          runner.run(
              List.of(
                  "bash",
                  "-c",
                  "exec bash \"$0\" >\"$1\" 2>\"$2\"",
                  job.script().toString(),
                  job.outFile().toString(),
                  job.errFile().toString()),
              null,
              CommandEnvironment.LOCAL_JOB.passedFrom(System.getenv()),
              true,
              job.trial().resources().timeLimit());
      if (!result.ok()) {
        allOk = false;
        out.printf(
            "%s: evaluate failed (exit %d); its err file is %s%n",
            job.trial().id(), result.exitCode(), job.errFile());
        continue;
      }
      compare(out, job.trial().id(), published(recorded, job), JobOutputs.metrics(job.outputDir()));
    }
    out.flush();
    return allOk ? 0 : 1;
  }

  /** The evaluate job of every trial asked for, its folders under the work dir. */
  private List<JobSpec> evaluateJobs(ResultsCommit recorded, ExperimentConfig cfg, Path work) {
    RunPlan plan = RunPlan.of(cfg, recorded.runId(), recorded.configCommit(), 1, work);
    List<JobSpec> jobs = new ArrayList<>();
    for (JobSpec job : plan.jobs()) {
      if (trials.isEmpty() || trials.contains(job.trial().id())) {
        jobs.add(job.evaluate("", job.trial().resources().timeLimit()));
      }
    }
    if (jobs.isEmpty()) {
      throw new CairnException(
          "run "
              + recorded.runId()
              + " has no trial "
              + String.join(", ", trials)
              + "; its trials are "
              + String.join(", ", plan.jobs().stream().map(j -> j.trial().id()).toList()));
    }
    return jobs;
  }

  /** The trial's test metrics as run.json recorded them (its jobs keyed by trial id). */
  private static JsonNode published(ResultsCommit recorded, JobSpec job) {
    return recorded.run().path("jobs").path(job.trial().id()).path("metrics");
  }

  private static void compare(
      PrintWriter out, String trial, JsonNode published, Map<String, Double> now) {
    int same = 0;
    for (Map.Entry<String, Double> e : now.entrySet()) {
      JsonNode before = published.get(e.getKey());
      if (before != null && before.isNumber() && before.asDouble() == e.getValue()) {
        same++;
        continue;
      }
      out.printf(
          "%s: %s = %s (published: %s)%n",
          trial, e.getKey(), e.getValue(), before == null ? "none" : before.asText());
    }
    out.printf(
        "%s: %d of %d test metric(s) identical to the published run%n", trial, same, now.size());
  }
}
