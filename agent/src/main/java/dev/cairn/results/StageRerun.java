package dev.cairn.results;

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
import dev.cairn.scheduler.CommandRunner;
import dev.cairn.store.ObjectStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Runs a results commit's evaluate stage again on this machine from the checkpoints the run
 * published ({@code PUBLISH_CHECKPOINTS=true}), without training, and sets the test metrics it gets
 * beside the published ones: what {@code rerun-stage} does.
 */
public final class StageRerun {
  private final CommandRunner runner;
  private final Map<String, String> environment;

  /**
   * What to run again and how to render it.
   *
   * @param trials the trial ids to evaluate; empty for every trial of the run
   * @param workDir where the checkpoints, scripts and outputs go; null for {@code rerun-<run-id>}
   * @param trainerJar the demo trainer; null for the one inside agent.jar, copied into the work dir
   * @param prologue the site prologue's text
   */
  public record Request(
      ResultsCommit recorded,
      TemplateSet templates,
      List<String> trials,
      @Nullable Path workDir,
      @Nullable Path trainerJar,
      String prologue,
      String terratorchConfigs) {
    public Request {
      trials = List.copyOf(trials);
    }
  }

  /**
   * @param runner runs each evaluate job's script with bash, its output going to its out and err
   *     files as a scheduler would write them
   * @param environment the variables the job gets, as a local scheduler passes them
   */
  public StageRerun(CommandRunner runner, Map<String, String> environment) {
    this.runner = runner;
    this.environment = Map.copyOf(environment);
  }

  /**
   * Pulls the checkpoints, renders and runs each trial's evaluate job and compares its test metrics
   * with the published ones, telling {@code report} a line at a time as it goes; whether every
   * evaluate job succeeded.
   */
  public boolean run(Request request, Consumer<String> report)
      throws IOException, InterruptedException {
    ResultsCommit recorded = request.recorded();
    String rel = StoreKeys.resultsDir(recorded.runId());
    String checkpoints = recorded.text(rel + "/checkpoints.dvc");
    if (checkpoints == null) {
      throw new CairnException(
          recorded.sha()
              + " published no checkpoints (PUBLISH_CHECKPOINTS was not true in its config);"
              + " use reproduce to train the run again, or set PUBLISH_CHECKPOINTS=true");
    }
    Path work =
        (request.workDir() != null ? request.workDir() : Path.of("rerun-" + recorded.runId()))
            .toAbsolutePath();
    ExperimentConfig cfg =
        ExperimentConfig.parse(recorded.config(), rel + "/config.env", request.templates().tasks());
    List<JobSpec> jobs = evaluateJobs(recorded, cfg, work, request.trials());

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
        var pulled = puller.pull(output, work);
        report.accept(
            String.format(
                "checkpoints: %d file(s) pulled into %s",
                pulled.downloaded() + pulled.skipped(), work.resolve(output.path())));
      }
    }

    Path trainer =
        request.trainerJar() != null ? request.trainerJar() : Bundled.copyDemoTrainer(work);
    ScriptRenderer renderer =
        new ScriptRenderer(
            request.templates(),
            new Site(
                request.prologue(),
                trainer.toString(),
                request.terratorchConfigs(),
                Version.get()));
    boolean allOk = true;
    for (JobSpec job : jobs) {
      Files.createDirectories(job.script().getParent());
      Files.createDirectories(job.outputDir());
      Files.writeString(job.script(), renderer.render(job, cfg, "local", recorded.configCommit()));
      report.accept(job.trial().id() + ": evaluating from " + job.checkpointDir());
      CommandRunner.Result result = evaluate(job);
      if (!result.ok()) {
        allOk = false;
        report.accept(
            String.format(
                "%s: evaluate failed (exit %d); its err file is %s",
                job.trial().id(), result.exitCode(), job.errFile()));
        continue;
      }
      compare(job.trial().id(), published(recorded, job), JobOutputs.metrics(job.outputDir()))
          .forEach(report);
    }
    return allOk;
  }

  /** Runs the job's script, its output going straight to its out and err files. */
  private CommandRunner.Result evaluate(JobSpec job) throws IOException, InterruptedException {
    Files.createDirectories(job.outFile().getParent());
    Files.createDirectories(job.errFile().getParent());
    return runner.run(
        List.of(
            "bash",
            "-c",
            "exec bash \"$0\" >\"$1\" 2>\"$2\"",
            job.script().toString(),
            job.outFile().toString(),
            job.errFile().toString()),
        null,
        environment,
        true,
        job.trial().resources().timeLimit());
  }

  /**
   * The evaluate job of every trial asked for ({@code trials}, or every trial where it is empty),
   * its folders under the work dir.
   */
  static List<JobSpec> evaluateJobs(
      ResultsCommit recorded, ExperimentConfig cfg, Path work, List<String> trials) {
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

  /**
   * A line for each metric that differs from the published one (or was not published), then how
   * many are identical.
   */
  static List<String> compare(String trial, JsonNode published, Map<String, Double> now) {
    List<String> lines = new ArrayList<>();
    int same = 0;
    for (Map.Entry<String, Double> e : now.entrySet()) {
      JsonNode before = published.get(e.getKey());
      if (before != null && before.isNumber() && before.asDouble() == e.getValue()) {
        same++;
        continue;
      }
      lines.add(
          String.format(
              "%s: %s = %s (published: %s)",
              trial, e.getKey(), e.getValue(), before == null ? "none" : before.asText()));
    }
    lines.add(
        String.format(
            "%s: %d of %d test metric(s) identical to the published run", trial, same, now.size()));
    return lines;
  }
}
