package dev.cairn.render;

import dev.cairn.CairnException;
import dev.cairn.config.ExperimentConfig;
import dev.cairn.config.QualityGate;
import dev.cairn.config.TaskDefinition;
import dev.cairn.terratorch.TerratorchContext;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Hands {@link TerratorchContext} what it needs of a job: the task and its gate from the experiment
 * config, the site's TerraTorch version, and the files of {@code examples/terratorch/} from the
 * templates or the site.
 */
final class TerratorchJobs {
  private TerratorchJobs() {}

  /** The templates' {@code tt} for a job of {@code task} on the backbone {@code modelName}. */
  static Map<String, Object> context(
      TaskDefinition task,
      String modelName,
      ExperimentConfig config,
      TemplateSet templates,
      Site site) {
    @Nullable QualityGate gate = config.gates().get(task.name());
    return TerratorchContext.of(
        new TerratorchContext.Job(
            new TerratorchContext.Task(
                task.name(),
                task.metrics(),
                task.gateKey(),
                gate == null ? null : gate.toString(),
                gate == null ? null : gate.metric()),
            modelName,
            site.terratorchVersion(),
            "true".equals(config.values().get("SMOKE")),
            "terratorch".equals(config.trainer()),
            file -> read(file, templates, site)));
  }

  /**
   * A file of {@code examples/terratorch/} that came with the templates (the rendered commit's, or
   * the agent's), else from CAIRN_TERRATORCH_CONFIG_DIR.
   */
  private static String read(String file, TemplateSet templates, Site site) {
    Optional<String> text = templates.terratorchConfig(file);
    if (text.isEmpty()
        && site.terratorchConfigDir() != null
        && !site.terratorchConfigDir().isBlank()) {
      Path p = Path.of(site.terratorchConfigDir()).resolve(file);
      try {
        text =
            Files.isRegularFile(p)
                ? Optional.of(Files.readString(p, StandardCharsets.UTF_8))
                : Optional.empty();
      } catch (IOException e) {
        throw new CairnException("cannot read " + p + ": " + e.getMessage());
      }
    }
    return text.orElseThrow(
        () ->
            new CairnException(
                "no "
                    + file
                    + " in examples/terratorch/ beside "
                    + templates.origin()
                    + " or in CAIRN_TERRATORCH_CONFIG_DIR; add it, or use TRAINER=demo"));
  }
}
