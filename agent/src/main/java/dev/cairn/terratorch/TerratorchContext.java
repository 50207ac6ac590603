package dev.cairn.terratorch;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.cairn.CairnException;
import dev.cairn.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * What a TerraTorch task body needs beyond the config: the backbone's neck indices from the model
 * catalogue, the effective task config (the task's YAML with those indices), and the validation
 * metric that picks the best checkpoint, named as the site's TerraTorch version logs it. It takes
 * plain values: the renderer reads the config, the templates and the site and hands them in.
 */
public final class TerratorchContext {
  /** The line of a task YAML that the catalogue's indices replace. */
  private static final Pattern NECK =
      Pattern.compile("(-\\s*name:\\s*SelectIndices\\s*\\n\\s*indices:\\s*)\\[[0-9,\\s]*\\]");

  /** Ends the here-document that writes the effective config in the script. */
  static final String EOF_MARK = "CAIRN_TERRATORCH_YAML";

  static final String PLOT_SCRIPT = "plot_predictions.py";

  /**
   * The task a job runs, as much of it as the context needs.
   *
   * @param name the task's name, {@code landslide}
   * @param metrics the family of its metrics in {@link TerratorchMetrics} ({@code segmentation},
   *     {@code regression}); empty where it declares none
   * @param gateKey the config key of its quality gate, {@code LANDSLIDE_QUALITY_GATE}
   * @param gate its quality gate as the config holds it, such as {@code test/mIoU>=0.3}; null
   *     without one
   * @param gateMetric the metric that gate names, {@code test/mIoU}; null without a gate
   */
  public record Task(
      String name,
      String metrics,
      String gateKey,
      @Nullable String gate,
      @Nullable String gateMetric) {}

  /**
   * What a job of the context's task needs.
   *
   * @param modelName the trial's {@code GEOFM} (a sweep's config holds several)
   * @param version the site's TerraTorch version, CAIRN_TERRATORCH_VERSION
   * @param smoke whether the config asks for a smoke run (SMOKE=true)
   * @param terratorch whether the job runs TerraTorch (TRAINER=terratorch) rather than the demo
   * @param files the text of a file of {@code examples/terratorch/} by its name; throws where there
   *     is none
   */
  public record Job(
      Task task,
      String modelName,
      String version,
      boolean smoke,
      boolean terratorch,
      UnaryOperator<String> files) {}

  /**
   * What ModelCheckpoint watches for the best checkpoint: a logged name and {@code max} or {@code
   * min}.
   */
  record Monitor(String metric, String mode) {}

  private TerratorchContext() {}

  /** The templates' {@code tt}: the backbone's facts, the monitor and the effective config. */
  public static Map<String, Object> of(Job job) {
    Map<String, Object> m = new LinkedHashMap<>();
    Task task = job.task();
    String version = job.version();
    ModelCatalogue.Model model = ModelCatalogue.bundled().get(job.modelName());
    m.put("version", version);
    m.put("blocks", model.blocks());
    m.put("neck_indices", model.neckIndices());
    m.put("hf_repo", model.hfRepo());
    m.put("hf_file", model.hfFile());
    m.put("hf_cache_dir", "models--" + model.hfRepo().replace("/", "--"));
    m.put("smoke", job.smoke());
    Monitor monitor = monitor(task, version);
    m.put("monitor", monitor.metric());
    m.put("monitor_mode", monitor.mode());
    if (job.terratorch()) {
      checkVersion(task, model, version);
    }
    m.put("config", job.terratorch() ? effectiveConfig(task, model, job.files()) : "");
    m.put(
        "plot_script",
        job.terratorch() ? embeddable(job.files().apply(PLOT_SCRIPT), PLOT_SCRIPT) : "");
    return m;
  }

  /**
   * Refuses a backbone or a gate metric that the site's TerraTorch version does not have: the job
   * would fail at model build, or pass no gate, after its queue wait.
   */
  static void checkVersion(Task task, ModelCatalogue.Model model, String version) {
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
    String gate = task.gate();
    String gateMetric = task.gateMetric();
    if (task.metrics().isEmpty() || gate == null || gateMetric == null) {
      return;
    }
    TerratorchMetrics metrics = TerratorchMetrics.bundled();
    String canonical = metrics.canonical(task.metrics(), gateMetric);
    if (canonical != null && metrics.inVersion(task.metrics(), canonical, version) == null) {
      throw new CairnException(
          task.gateKey()
              + "="
              + gate
              + ": TerraTorch "
              + version
              + " (the agent's CAIRN_TERRATORCH_VERSION) does not log "
              + gateMetric
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
  static Monitor monitor(Task task, String version) {
    String gateMetric = task.gateMetric();
    if (!task.metrics().isEmpty() && gateMetric != null && gateMetric.startsWith("test/")) {
      TerratorchMetrics metrics = TerratorchMetrics.bundled();
      String val = "val/" + gateMetric.substring("test/".length());
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
  public static String callbacks(String dir, String monitor, String mode, boolean fit) {
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
      Task task, ModelCatalogue.Model model, UnaryOperator<String> files) {
    String file = task.name() + ".yaml";
    String text = files.apply(file);
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
