package dev.cairn.cli;

import dev.cairn.config.ExperimentConfig;
import dev.cairn.plan.preflight.Preflight;
import dev.cairn.render.TemplateSet;
import dev.cairn.results.ConfigFiles;
import dev.cairn.terratorch.TerratorchMetrics;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code agent.jar preflight}: the checks the agent runs before it submits, on the login node:
 * datasets, weights for offline nodes, the learning rate.
 */
@Command(
    name = "preflight",
    mixinStandardHelpOptions = true,
    header = "Check a config's datasets, backbone weights and learning rate before submitting.",
    description = {
      "With TRAINER=terratorch: each dataset folder has the layout its TerraTorch datamodule",
      "reads (split folders, files matching its globs, split files) and one sample tile has the",
      "bands the config reads; with HF_HUB_OFFLINE set, each backbone's weights are in the",
      "Hugging Face cache (HF_HUB_CACHE, HF_HOME/hub or ~/.cache/huggingface/hub). For every",
      "trainer: the learning rate is in a sane range. One line per problem and exit 2; exit 0",
      "when the run may go. The agent runs the same checks before it submits a run."
    })
final class PreflightCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      defaultValue = "config/config.env",
      description = "The experiment config (default: ${DEFAULT-VALUE}).")
  Path config;

  @Mixin TemplatesOption templates;

  @Option(
      names = "--terratorch-version",
      paramLabel = "VERSION",
      description =
          "The TerraTorch version the cluster runs: 1.0, 1.1.0, 1.1 or 1.2 (default: the"
              + " environment's CAIRN_TERRATORCH_VERSION, else 1.1).")
  @Nullable String version;

  @Override
  public Integer call() throws IOException {
    TemplateSet set = templates.load();
    byte[] content = ConfigFiles.read(config, "pass --config with the path of your config.env");
    ExperimentConfig cfg = ExperimentConfig.parse(content, config.toString(), set.tasks());
    String v = version;
    if (v == null) {
      v = System.getenv().getOrDefault("CAIRN_TERRATORCH_VERSION", "");
    }
    if (v.isBlank()) {
      v = TerratorchMetrics.DEFAULT_VERSION;
    }
    PrintWriter err = spec.commandLine().getErr();
    if (!TerratorchMetrics.VERSIONS.contains(v)) {
      err.println(
          "--terratorch-version "
              + v
              + " is not a version; use one of "
              + String.join(", ", TerratorchMetrics.VERSIONS));
      return 2;
    }
    long start = System.nanoTime();
    List<String> problems = new Preflight(System.getenv(), v).check(cfg);
    double seconds = (System.nanoTime() - start) / 1e9;
    problems.forEach(err::println);
    if (problems.isEmpty()) {
      spec.commandLine()
          .getOut()
          .println(
              String.format(
                  java.util.Locale.ROOT,
                  "preflight: %s is good to go (TerraTorch %s; checked in %.2f s)",
                  config,
                  v,
                  seconds));
      return 0;
    }
    err.flush();
    return 2;
  }
}
