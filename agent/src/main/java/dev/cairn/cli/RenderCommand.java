package dev.cairn.cli;

import dev.cairn.CairnException;
import dev.cairn.config.ExperimentConfig;
import dev.cairn.render.RenderPreview;
import dev.cairn.render.ScriptRenderer;
import dev.cairn.render.TemplateSet;
import dev.cairn.results.ConfigFiles;
import dev.cairn.scheduler.SchedulerRegistry;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
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

  @Option(
      names = "--cluster",
      paramLabel = "NAME",
      description =
          "Show only what the agent of this cluster (its CAIRN_CLUSTER) runs: the trials the"
              + " config routes there with CLUSTER, <TASK>_CLUSTER or <MODEL>_CLUSTER, and their"
              + " scripts. A name no trial is routed to lists the clusters the config routes to.")
  @Nullable String cluster;

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
    String site = prologue == null ? "" : Files.readString(prologue);
    Path cairnHome = Path.of(System.getProperty("user.home")).resolve(".cairn");
    boolean rendersScripts = scripts || out != null;
    ScriptRenderer renderer =
        RenderPreview.renderer(
            set, cfg, site, trainerJar, rendersScripts, cairnHome, terratorchConfigs);
    Path runs = workDir != null ? workDir.toAbsolutePath() : cairnHome.resolve("work");
    RenderPreview preview =
        RenderPreview.plan(
            cfg, scheduler, cluster, maxTrials, maxArraySize, commit, Instant.now(), runs);
    PrintWriter stdout = spec.commandLine().getOut();
    preview.listing().forEach(stdout::println);
    if (!rendersScripts) {
      stdout.flush();
      return 0;
    }
    stdout.println();
    List<RenderPreview.Script> rendered = preview.scripts(renderer);
    if (out != null) {
      RenderPreview.write(rendered, out).forEach(stdout::println);
    } else {
      for (RenderPreview.Script script : rendered) {
        stdout.println(script.banner());
        stdout.print(script.text());
        stdout.println();
      }
    }
    stdout.flush();
    return 0;
  }
}
