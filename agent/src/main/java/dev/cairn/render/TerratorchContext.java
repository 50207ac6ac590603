package dev.cairn.render;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.cairn.CairnException;
import dev.cairn.Json;
import dev.cairn.config.ExperimentConfig;
import dev.cairn.config.ModelCatalogue;
import dev.cairn.config.QualityGate;
import dev.cairn.config.TaskDefinition;
import dev.cairn.terratorch.TerratorchMetrics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * What a TerraTorch task body needs beyond the config: the backbone's neck indices from the model
 * catalogue, the effective task config (the task's YAML with those indices), and the validation
 * metric that picks the best checkpoint, named as the site's TerraTorch version logs it.
 */
final class TerratorchContext {
  /** The line of a task YAML that the catalogue's indices replace. */
  private static final Pattern NECK =
      Pattern.compile("(-\\s*name:\\s*SelectIndices\\s*\\n\\s*indices:\\s*)\\[[0-9,\\s]*\\]");

  /** Ends the here-document that writes the effective config in the script. */
  static final String EOF_MARK = "CAIRN_TERRATORCH_YAML";

  static final String PLOT_SCRIPT = "plot_predictions.py";

  /**
   * What ModelCheckpoint watches for the best checkpoint: a logged name and {@code max} or {@code
   * min}.
   */
  record Monitor(String metric, String mode) {}

  private TerratorchContext() {}

  /**
   * @param modelName the trial's {@code GEOFM} (a sweep's config holds several)
   */
  static Map<String, Object> of(
      TaskDefinition task,
      String modelName,
      ExperimentConfig config,
      TemplateSet templates,
      Site site) {
    Map<String, Object> m = new LinkedHashMap<>();
    String version = site.terratorchVersion();
    ModelCatalogue.Model model = ModelCatalogue.bundled().get(modelName);
    m.put("version", version);
    m.put("blocks", model.blocks());
    m.put("neck_indices", model.neckIndices());
    m.put("hf_repo", model.hfRepo());
    m.put("hf_file", model.hfFile());
    m.put("hf_cache_dir", "models--" + model.hfRepo().replace("/", "--"));
    m.put("smoke", "true".equals(config.values().get("SMOKE")));
    Monitor monitor = monitor(task, config.gates().get(task.name()), version);
    m.put("monitor", monitor.metric());
    m.put("monitor_mode", monitor.mode());
    boolean terratorch = "terratorch".equals(config.trainer());
    if (terratorch) {
      checkVersion(task, model, config.gates().get(task.name()), version);
    }
    m.put("config", terratorch ? effectiveConfig(task, model, templates, site) : "");
    m.put(
        "plot_script",
        terratorch ? embeddable(read(PLOT_SCRIPT, templates, site), PLOT_SCRIPT) : "");
    return m;
  }

  /**
   * Refuses a backbone or a gate metric that the site's TerraTorch version does not have: the job
   * would fail at model build, or pass no gate, after its queue wait.
   */
  static void checkVersion(
      TaskDefinition task, ModelCatalogue.Model model, @Nullable QualityGate gate, String version) {
    if (!model.in(version)) {
      throw new CairnException(
          "GEOFM="
              + model.name()
              + " is not registered in TerraTorch "
              + version
              + " (the agent's CAIRN_TERRATORCH_VERSION); it is in "
              + String.join(", ", model.versions())
              + ": pick another backbone of "
              + ModelCatalogue.SOURCE
              + " or run a version that has it");
    }
    if (task.metrics().isEmpty() || gate == null) {
      return;
    }
    TerratorchMetrics metrics = TerratorchMetrics.bundled();
    String canonical = metrics.canonical(task.metrics(), gate.metric());
    if (canonical != null && metrics.inVersion(task.metrics(), canonical, version) == null) {
      throw new CairnException(
          task.gateKey()
              + "="
              + gate
              + ": TerraTorch "
              + version
              + " (the agent's CAIRN_TERRATORCH_VERSION) does not log "
              + gate.metric()
              + " for "
              + task.name()
              + "; gate on a metric that version logs, such as test/"
              + (task.metrics().equals("regression") ? "RMSE" : "mIoU"));
    }
  }

  /**
   * The best checkpoint is chosen on the validation twin of the task's gate metric where the site's
   * version logs it ({@code val/mIoU} for {@code test/mIoU>=0.3}), else on {@code val/loss}, which
   * every version logs.
   */
  static Monitor monitor(TaskDefinition task, @Nullable QualityGate gate, String version) {
    if (!task.metrics().isEmpty() && gate != null && gate.metric().startsWith("test/")) {
      TerratorchMetrics metrics = TerratorchMetrics.bundled();
      String val = "val/" + gate.metric().substring("test/".length());
      String named = metrics.inVersion(task.metrics(), val, version);
      if (named != null) {
        return new Monitor(named, metrics.higherIsBetter(task.metrics(), val) ? "max" : "min");
      }
    }
    return new Monitor("val/loss", "min");
  }

  /**
   * The trainer's callbacks as one {@code --trainer.callbacks} value (a JSON list, which replaces
   * the task config's list): {@code best.ckpt} by the monitor, {@code latest.ckpt} every epoch and,
   * on fit alone, {@code stopped.ckpt} when Lightning stops on an exception (SIGTERM included).
   */
  static String callbacks(String dir, String monitor, String mode, boolean fit) {
    List<Map<String, Object>> list = new ArrayList<>();
    Map<String, Object> best = new LinkedHashMap<>();
    best.put("dirpath", dir);
    best.put("filename", "best");
    best.put("monitor", monitor);
    best.put("mode", mode);
    best.put("save_top_k", 1);
    best.put("enable_version_counter", false);
    list.add(callback("lightning.pytorch.callbacks.ModelCheckpoint", best));
    Map<String, Object> latest = new LinkedHashMap<>();
    latest.put("dirpath", dir);
    latest.put("filename", "latest");
    latest.put("monitor", "epoch");
    latest.put("mode", "max");
    latest.put("save_top_k", 1);
    latest.put("every_n_epochs", 1);
    latest.put("save_on_train_epoch_end", true);
    latest.put("enable_version_counter", false);
    list.add(callback("lightning.pytorch.callbacks.ModelCheckpoint", latest));
    if (fit) {
      Map<String, Object> stopped = new LinkedHashMap<>();
      stopped.put("dirpath", dir);
      stopped.put("filename", "stopped");
      list.add(callback("lightning.pytorch.callbacks.OnExceptionCheckpoint", stopped));
    }
    try {
      return Json.MAPPER
          .writer()
          .without(SerializationFeature.INDENT_OUTPUT)
          .writeValueAsString(list);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Map<String, Object> callback(String classPath, Map<String, Object> args) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("class_path", classPath);
    m.put("init_args", args);
    return m;
  }

  /** The task's YAML with the SelectIndices neck's indices set for the backbone. */
  static String effectiveConfig(
      TaskDefinition task, ModelCatalogue.Model model, TemplateSet templates, Site site) {
    String file = task.name() + ".yaml";
    String text = read(file, templates, site);
    Matcher m = NECK.matcher(text);
    if (!m.find()) {
      throw new CairnException(
          "examples/terratorch/"
              + file
              + " has no SelectIndices neck with an 'indices: [...]' line;"
              + " the model catalogue's indices for "
              + model.name()
              + " go there");
    }
    return embeddable(
        m.replaceAll(r -> Matcher.quoteReplacement(r.group(1) + model.neckIndicesText())), file);
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

  /** The text as the body of a quoted here-document: no line may end it early. */
  private static String embeddable(String text, String file) {
    for (String line : text.split("\n", -1)) {
      if (line.strip().equals(EOF_MARK)
          || line.chars().anyMatch(c -> (c < 0x20 && c != '\t') || c == 0x7f)) {
        throw new CairnException(
            "examples/terratorch/"
                + file
                + " holds a control character or a line "
                + EOF_MARK
                + "; remove it");
      }
    }
    return text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
  }
}
