package dev.cairn.cli;

import dev.cairn.results.StageRerun;
import dev.cairn.scheduler.CommandEnvironment;
import dev.cairn.scheduler.ExecCommandRunner;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
    StageRerun.Request request =
        new StageRerun.Request(
            commit.read(),
            templates.load(),
            trials,
            workDir,
            trainerJar,
            prologue == null ? "" : Files.readString(prologue),
            terratorchConfigs);
    StageRerun rerun =
        new StageRerun(
            new ExecCommandRunner(), CommandEnvironment.LOCAL_JOB.passedFrom(System.getenv()));
    boolean allOk =
        rerun.run(
            request,
            line -> {
              out.println(line);
              out.flush();
            });
    out.flush();
    return allOk ? 0 : 1;
  }
}
