package dev.cairn.cli;

import dev.cairn.CairnException;
import dev.cairn.config.ExperimentConfig;
import dev.cairn.plan.JobSpec;
import dev.cairn.plan.RunPlan;
import dev.cairn.render.ScriptRenderer;
import dev.cairn.render.Site;
import dev.cairn.render.TemplateSet;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code agent.jar render}: the local-first check of a config, submitting nothing. */
@Command(
    name = "render",
    mixinStandardHelpOptions = true,
    header = "Validate a config.env and print its batch scripts, submitting nothing.",
    description = {
      "Validate a config.env and print (or write) the batch script of every task, submitting",
      "nothing: the check to run before committing a config change."
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

  @Option(
      names = "--templates",
      paramLabel = "DIR",
      description = "Templates folder (default: templates/ when present, else the bundled ones).")
  Path templates;

  @Option(
      names = "--out",
      paramLabel = "DIR",
      description = "Write <task>.<scheduler>.sh files here instead of printing.")
  Path out;

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
    TemplateSet set =
        templates != null
            ? TemplateSet.fromDirectory(templates)
            : Files.isRegularFile(Path.of("templates/job.sh.peb"))
                ? TemplateSet.fromDirectory(Path.of("templates"))
                : TemplateSet.bundled();
    byte[] content;
    try {
      content = Files.readAllBytes(config);
    } catch (NoSuchFileException e) {
      throw new CairnException(
          config + " does not exist; pass --config with the path of your config.env");
    }
    ExperimentConfig cfg = ExperimentConfig.parse(content, config.toString(), set.tasks());
    String target = scheduler != null ? scheduler : cfg.scheduler();
    String site = prologue == null ? "" : Files.readString(prologue);
    ScriptRenderer renderer =
        new ScriptRenderer(set, new Site(site, trainerJar, terratorchConfigs, Version.get()));
    RunPlan plan = RunPlan.of(cfg, commit, Instant.now(), 1, workDir.toAbsolutePath());
    PrintWriter stdout = spec.commandLine().getOut();
    for (JobSpec job : plan.jobs()) {
      String script = renderer.render(job, cfg, target, commit);
      if (out != null) {
        Files.createDirectories(out);
        Path file = out.resolve(job.task().name() + "." + target + ".sh");
        Files.writeString(file, script);
        stdout.println(file);
      } else {
        stdout.println("# ===== " + job.task().name() + " (" + target + ") =====");
        stdout.print(script);
        stdout.println();
      }
    }
    stdout.flush();
    return 0;
  }
}
