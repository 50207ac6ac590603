package dev.cairn.config;

import dev.cairn.Spelling;
import dev.cairn.terratorch.TerratorchMetrics;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The early-stopping keys ({@code EARLY_STOP}, {@code EARLY_STOP_METRIC}, {@code
 * EARLY_STOP_MIN_EPOCHS}, {@code EARLY_STOP_REDUCTION}) checked against each other, the tasks, the
 * trainer and the sweep: each key alone is checked by the schema.
 */
final class EarlyStopKeys {
  private static final Pattern FORM = Pattern.compile("val/[A-Za-z0-9_.-]{1,64}");

  /**
   * The validation metrics the demo trainer logs every epoch, by kind of task: its {@code
   * Trainer.evaluateNames}, checked against a real run by {@code DemoTrainerMetricsTest}.
   */
  static final Map<String, List<String>> DEMO =
      Map.of(
          "segmentation",
          List.of(
              "val/mIoU",
              "val/mIoU_Micro",
              "val/F1_Score",
              "val/Accuracy",
              "val/Pixel_Accuracy",
              "val/loss"),
          "regression",
          List.of("val/RMSE", "val/MSE", "val/MAE", "val/R2_Score", "val/loss"));

  private EarlyStopKeys() {}

  /** The schema's check of {@code EARLY_STOP_METRIC} alone: empty, or a {@code val/} name. */
  static String metricForm(String v) {
    String s = v.strip();
    if (s.isEmpty() || FORM.matcher(s).matches()) {
      return s;
    }
    String bare = s.contains("/") ? s.substring(s.indexOf('/') + 1) : s.replaceFirst("^val_", "");
    throw new IllegalArgumentException(
        "early stopping compares a validation metric logged every epoch; use val/NAME such as val/"
            + (bare.matches("[A-Za-z0-9_.-]{1,64}") ? bare : "mIoU")
            + ", or leave it empty for the validation form of each task's quality gate");
  }

  /** Adds a problem for each way the early-stopping keys do not fit the rest of the config. */
  static void check(Map<String, String> v, List<TaskDefinition> tasks, List<String> problems) {
    if (!SettingChecks.value(v, "EARLY_STOP").equals("asha")) {
      return;
    }
    boolean sweeps =
        ExperimentSchema.SWEEPABLE.stream()
            .anyMatch(k -> SettingChecks.value(v, k).split(",").length > 1);
    if (!sweeps) {
      problems.add(
          "EARLY_STOP=asha needs a sweep, but this config runs one trial per task: list values"
              + " in LEARNING_RATE, SEED, GEOFM, BATCH_SIZE or SPLITS (LEARNING_RATE=1e-4,5e-4),"
              + " or set EARLY_STOP=off");
    }
    int min = Integer.parseInt(SettingChecks.value(v, "EARLY_STOP_MIN_EPOCHS"));
    int epochs =
        Arrays.stream(SettingChecks.value(v, "EPOCHS").split(","))
            .mapToInt(Integer::parseInt)
            .min()
            .orElse(0);
    if (min >= epochs) {
      problems.add(
          "EARLY_STOP_MIN_EPOCHS="
              + min
              + " is not below EPOCHS="
              + epochs
              + ": the first rung must come before a trial's last epoch; use at most "
              + (epochs - 1)
              + " or set EARLY_STOP=off");
    }
    boolean demo = SettingChecks.value(v, "TRAINER").equals("demo");
    String explicit = SettingChecks.value(v, "EARLY_STOP_METRIC");
    for (TaskDefinition t : tasks) {
      String kind = t.metrics();
      if (kind.isEmpty()) {
        continue;
      }
      String metric = metric(v, t);
      String canonical = TerratorchMetrics.bundled().canonical(kind, metric);
      List<String> logged = demo ? DEMO.get(kind) : TerratorchMetrics.bundled().names(kind, "val/");
      boolean ok =
          canonical != null
              && canonical.startsWith("val/")
              && (!demo || (logged != null && logged.contains(canonical)));
      if (!ok) {
        String near = Spelling.closest(metric, logged == null ? List.of() : logged);
        problems.add(
            (explicit.isEmpty()
                    ? "EARLY_STOP_METRIC (empty: from " + t.gateKey() + ")"
                    : "EARLY_STOP_METRIC=" + explicit)
                + ": "
                + (demo ? "the demo trainer" : "TerraTorch")
                + " logs no "
                + metric
                + " for "
                + t.name()
                + " (a "
                + kind
                + " task); use one of "
                + String.join(", ", logged == null ? List.of() : logged)
                + (near == null ? "" : "; did you mean " + near + "?"));
      }
    }
  }

  /** The metric compared for a task, under its 1.1 name where TerraTorch knows it. */
  static String metric(Map<String, String> v, TaskDefinition task) {
    String explicit = SettingChecks.value(v, "EARLY_STOP_METRIC");
    String metric = explicit.isEmpty() ? validationOf(gate(v, task).metric()) : explicit;
    if (task.metrics().isEmpty()) {
      return metric;
    }
    String canonical = TerratorchMetrics.bundled().canonical(task.metrics(), metric);
    return canonical == null ? metric : canonical;
  }

  /**
   * The metric's direction: the gate's for its own validation form, TerraTorch's table's for a
   * metric it knows, else lower is better only for a loss.
   */
  static boolean higherIsBetter(Map<String, String> v, TaskDefinition task) {
    String metric = metric(v, task);
    QualityGate gate = gate(v, task);
    if (metric.equals(validationOf(gate.metric()))) {
      return gate.operator().startsWith(">");
    }
    if (!task.metrics().isEmpty()
        && TerratorchMetrics.bundled().canonical(task.metrics(), metric) != null) {
      return TerratorchMetrics.bundled().higherIsBetter(task.metrics(), metric);
    }
    return !metric.endsWith("loss");
  }

  private static QualityGate gate(Map<String, String> v, TaskDefinition task) {
    return QualityGate.of(SettingChecks.value(v, task.gateKey()));
  }

  private static String validationOf(String metric) {
    return "val/" + metric.substring(metric.indexOf('/') + 1);
  }
}
