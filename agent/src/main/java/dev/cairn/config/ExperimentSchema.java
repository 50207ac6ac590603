package dev.cairn.config;

import dev.cairn.Spelling;
import dev.cairn.Untrusted;
import dev.cairn.terratorch.ModelCatalogue;
import dev.cairn.terratorch.TerratorchMetrics;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Every key {@code config.env} may hold. The keys of the original pipeline ({@code GEOFM}, the
 * three dataset paths, {@code EPOCHS}, {@code NUM_WORKERS}, {@code BATCH_SIZE}) keep their names
 * and meaning, and a config of only those is valid: every other key has a default, and {@code
 * EXPERIMENT_NAME} is derived from {@code GEOFM} when missing. Each task adds its dataset and
 * quality-gate keys.
 */
final class ExperimentSchema {
  /** Keys that may hold a comma-separated list: the run sweeps their cartesian product. */
  static final List<String> SWEEPABLE =
      List.of("GEOFM", "LEARNING_RATE", "SEED", "BATCH_SIZE", "EPOCHS", "SPLITS");

  /** Sweepable keys that may be empty (unset): they take part in a trial's values only when set. */
  static final List<String> OPTIONAL_SWEEPS = List.of("SPLITS");

  /**
   * Keys a task's prefix ({@code CROP_}) or a model's name ({@code PRITHVI_EO_V2_600_}) may set.
   */
  static final List<String> RESOURCES =
      List.of(
          "PARTITION",
          "ACCOUNT",
          "GPUS_PER_JOB",
          "CPUS_PER_JOB",
          "MEMORY_PER_JOB",
          "TIME_LIMIT",
          "CLUSTER");

  private final Map<String, ConfigKey> keys = new LinkedHashMap<>();

  ExperimentSchema(List<TaskDefinition> tasks) {
    Set<String> taskNames = new LinkedHashSet<>();
    tasks.forEach(t -> taskNames.add(t.name()));
    add("EXPERIMENT_NAME", null, Checks.name(false));
    add("GEOFM", "prithvi_eo_v2_300", ModelCatalogue.bundled().check());
    add("TASKS", String.join(",", taskNames), Checks.listOf(taskNames));
    add("TRAINER", "terratorch", Checks.oneOf("terratorch", "demo"));
    for (TaskDefinition t : tasks) {
      add(t.datasetKey(), "", v -> v.isBlank() ? "" : Checks.path().apply(v));
    }
    add("EPOCHS", "10", Checks.integer(1, 10_000));
    add("BATCH_SIZE", "8", Checks.integer(1, 4096));
    add("NUM_WORKERS", "2", Checks.integer(0, 256));
    // empty: each trainer's own (the task YAML's for TerraTorch, the demo trainer's default)
    keys.put(
        "LEARNING_RATE",
        new ConfigKey(
            "LEARNING_RATE",
            "",
            v -> v.isBlank() ? "" : Checks.sweep(Checks.decimal("0", "10")).apply(v)));
    add("SEED", "42", Checks.integer(0, Integer.MAX_VALUE));
    add("SPLITS", "", Checks.name(false));
    add("SCHEDULER", SchedulerName.DEFAULT, Checks.oneOf(SchedulerName.ids()));
    add("PARTITION", "", Checks.name(true));
    // empty everywhere: the whole run goes to whichever agent claims it first
    add("CLUSTER", "", Checks.name(true));
    add("ACCOUNT", "", Checks.name(true));
    add("GPUS_PER_JOB", "1", Checks.integer(0, 16));
    add("CPUS_PER_JOB", "4", Checks.integer(1, 512));
    add("MEMORY_PER_JOB", "16G", Checks.memory());
    add("TIME_LIMIT", "02:00:00", Checks.timeLimit());
    add("MAX_ATTEMPTS", "3", Checks.integer(1, 20));
    add("SWEEP_MAX_PARALLEL", "0", Checks.integer(0, 100_000));
    add("GATE_RULE", "all", Checks.oneOf("all", "best"));
    add("STAGES", "all", Checks.oneOf("all", "train,evaluate"));
    add("EVAL_PARTITION", "", Checks.name(true));
    add("PUBLISH_CHECKPOINTS", "false", Checks.oneOf("false", "true"));
    add("EVAL_TIME_LIMIT", "", v -> v.isBlank() ? "" : Checks.timeLimit().apply(v));
    for (String prefix : overridePrefixes(tasks)) {
      for (String key : RESOURCES) {
        Function<String, String> check =
            Objects.requireNonNull(keys.get(key), "a resource key has a check").check();
        add(prefix + key, "", v -> v.isBlank() ? "" : check.apply(v));
      }
    }
    add("SMOKE", "false", Checks.oneOf("false", "true"));
    add("EARLY_STOP", "off", Checks.oneOf("off", "asha"));
    // empty: the validation form of each task's gate metric (val/mIoU for test/mIoU>=0.3)
    add("EARLY_STOP_METRIC", "", EarlyStopKeys::metricForm);
    add("EARLY_STOP_MIN_EPOCHS", "1", Checks.integer(1, 10_000));
    add("EARLY_STOP_REDUCTION", "3", Checks.integer(2, 100));
    add("BASELINE", "", ExperimentSchema::baseline);
    for (TaskDefinition t : tasks) {
      add(t.gateKey(), t.defaultGate(), Checks.gate(t.metrics(), TerratorchMetrics.bundled()));
    }
  }

  /** A run id or commit (prefix) to compare with; empty for the previous successful run. */
  private static String baseline(String v) {
    String s = v.strip();
    if (s.isEmpty() || s.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,127}")) {
      return s;
    }
    throw new IllegalArgumentException(
        "use a run id or a commit sha of this branch (letters, digits, '.', '_' and '-'), or leave it empty");
  }

  private void add(String name, @Nullable String defaultValue, Function<String, String> check) {
    Function<String, String> checked = SWEEPABLE.contains(name) ? Checks.sweep(check) : check;
    if (OPTIONAL_SWEEPS.contains(name)) {
      Function<String, String> list = checked;
      checked = v -> v.isBlank() ? "" : list.apply(v);
    }
    keys.put(name, new ConfigKey(name, defaultValue, checked));
  }

  /** {@code CROP_}, {@code LANDSLIDE_}, ... then {@code PRITHVI_EO_V1_100_}, ...: models last. */
  static List<String> overridePrefixes(List<TaskDefinition> tasks) {
    List<String> prefixes = new ArrayList<>();
    tasks.forEach(t -> prefixes.add(t.prefix()));
    ModelCatalogue.bundled().names().forEach(m -> prefixes.add(modelPrefix(m)));
    return prefixes;
  }

  static String modelPrefix(String model) {
    return model.toUpperCase(java.util.Locale.ROOT) + "_";
  }

  Map<String, ConfigKey> keys() {
    return keys;
  }

  /** The canonical value of every key (defaults filled in), or the list of problems. */
  Map<String, String> validate(
      Map<String, String> raw, Map<String, Integer> lineOf, List<String> problems) {
    Map<String, String> result = new LinkedHashMap<>();
    List<String> names = new ArrayList<>(keys.keySet());
    for (Map.Entry<String, String> e : raw.entrySet()) {
      if (!keys.containsKey(e.getKey())) {
        String suggestion = Spelling.closest(e.getKey(), names);
        Integer line = lineOf.get(e.getKey());
        problems.add(
            e.getKey()
                + " is not a key of config.env"
                + (suggestion == null
                    ? "; the keys are listed in config/config.env"
                    : "; did you mean " + suggestion + "?")
                + (line == null ? "" : " (line " + line + ")"));
      }
    }
    for (ConfigKey key : keys.values()) {
      String value = raw.get(key.name());
      if (value == null && key.name().equals("EXPERIMENT_NAME")) {
        value = derivedName(raw.get("GEOFM"));
      }
      if (value == null) {
        if (key.defaultValue() == null) {
          problems.add(key.name() + " is missing; add " + key.name() + "=... to config.env");
        } else {
          result.put(key.name(), key.check().apply(key.defaultValue()));
        }
        continue;
      }
      if (Untrusted.hasControl(value)) {
        problems.add(
            key.name()
                + "="
                + printable(value)
                + " holds a newline or control character; a value must be one plain line"
                + at(lineOf, key.name()));
        continue;
      }
      try {
        result.put(key.name(), key.check().apply(value));
      } catch (IllegalArgumentException e) {
        problems.add(
            key.name()
                + "="
                + printable(value)
                + " is not allowed: "
                + e.getMessage()
                + at(lineOf, key.name()));
      } catch (ArithmeticException e) {
        problems.add(
            key.name() + "=" + printable(value) + " is too large" + at(lineOf, key.name()));
      }
    }
    return result;
  }

  private static String at(Map<String, Integer> lineOf, String key) {
    Integer line = lineOf.get(key);
    return line == null ? "" : " (line " + line + ")";
  }

  /**
   * The experiment's name where the config gives none: the model's, as the original pipeline named
   * its runs ({@code prithvi_eo_v2_300} gives {@code prithvi-eo-v2-300}).
   */
  private String derivedName(@Nullable String geofm) {
    ConfigKey key = Objects.requireNonNull(keys.get("GEOFM"), "GEOFM is a key");
    try {
      return key.check()
          .apply(
              geofm != null
                  ? geofm
                  : Objects.requireNonNull(key.defaultValue(), "GEOFM has a default"))
          .replace('_', '-');
    } catch (IllegalArgumentException e) {
      // GEOFM's own problem is reported; the name only has to be valid
      return "experiment";
    }
  }

  /** The value as the user wrote it, control characters made visible and long values cut. */
  static String printable(@Nullable String value) {
    if (value == null) {
      return "";
    }
    StringBuilder sb = new StringBuilder();
    for (char c : value.toCharArray()) {
      if (c == '\n') {
        sb.append("\\n");
      } else if (Untrusted.isControl(c)) {
        sb.append(String.format("\\x%02x", (int) c));
      } else {
        sb.append(c);
      }
    }
    String s = sb.length() > 80 ? sb.substring(0, 77) + "..." : sb.toString();
    return "'" + s + "'";
  }
}
