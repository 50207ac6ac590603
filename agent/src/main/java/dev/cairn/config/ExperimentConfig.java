package dev.cairn.config;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * One validated {@code config.env}: the experiment a commit asks for. Built only by {@link #parse};
 * nothing else in the agent reads the raw file. Where a sweepable key holds a list, its field here
 * is the first value and {@link #sweep()} has them all.
 *
 * @param values every key's canonical value, defaults filled in, in schema order
 * @param sha256 hex SHA-256 of the file's bytes as committed
 */
public record ExperimentConfig(
    String experimentName,
    String model,
    List<TaskDefinition> tasks,
    String trainer,
    String scheduler,
    String partition,
    String account,
    int gpusPerJob,
    int cpusPerJob,
    long memoryMb,
    Duration timeLimit,
    int maxAttempts,
    int epochs,
    int batchSize,
    int numWorkers,
    String learningRate,
    long seed,
    Map<String, String> datasetPaths,
    Map<String, QualityGate> gates,
    Map<String, String> values,
    byte[] content,
    String sha256) {

  /**
   * Parses and validates a config file.
   *
   * @param source how to name the file in messages, e.g. {@code config/config.env@3f9a2c1}
   * @param known the tasks the templates define
   * @throws ConfigError listing every problem found, not only the first
   */
  public static ExperimentConfig parse(byte[] content, String source, List<TaskDefinition> known) {
    List<String> problems = new ArrayList<>();
    Map<String, Integer> lineOf = new HashMap<>();
    Map<String, String> raw = EnvFile.parse(content, problems, lineOf);
    if (!problems.isEmpty()) {
      throw new ConfigError(source, problems);
    }
    ExperimentSchema schema = new ExperimentSchema(known);
    Map<String, String> v = schema.validate(raw, lineOf, problems);
    if (!problems.isEmpty()) {
      throw new ConfigError(source, problems);
    }
    List<TaskDefinition> tasks = new ArrayList<>();
    Map<String, String> datasets = new LinkedHashMap<>();
    Map<String, QualityGate> gates = new LinkedHashMap<>();
    List<String> selected = Arrays.asList(SettingChecks.value(v, "TASKS").split(","));
    for (String name : selected) {
      TaskDefinition t =
          known.stream().filter(k -> k.name().equals(name)).findFirst().orElseThrow();
      tasks.add(t);
      datasets.put(t.name(), SettingChecks.value(v, t.datasetKey()));
      gates.put(t.name(), QualityGate.parse(SettingChecks.value(v, t.gateKey())));
      if ("terratorch".equals(SettingChecks.value(v, "TRAINER"))
          && SettingChecks.value(v, t.datasetKey()).isEmpty()) {
        problems.add(
            t.datasetKey()
                + " is empty but TASKS runs "
                + t.name()
                + " with TRAINER=terratorch; set it to the dataset's folder");
      }
    }
    EarlyStopKeys.check(v, tasks, problems);
    if (!problems.isEmpty()) {
      throw new ConfigError(source, problems);
    }
    return new ExperimentConfig(
        SettingChecks.value(v, "EXPERIMENT_NAME"),
        first(SettingChecks.value(v, "GEOFM")),
        List.copyOf(tasks),
        SettingChecks.value(v, "TRAINER"),
        SettingChecks.value(v, "SCHEDULER"),
        SettingChecks.value(v, "PARTITION"),
        SettingChecks.value(v, "ACCOUNT"),
        Integer.parseInt(SettingChecks.value(v, "GPUS_PER_JOB")),
        Integer.parseInt(SettingChecks.value(v, "CPUS_PER_JOB")),
        Long.parseLong(SettingChecks.value(v, "MEMORY_PER_JOB")),
        Duration.ofSeconds(Long.parseLong(SettingChecks.value(v, "TIME_LIMIT"))),
        Integer.parseInt(SettingChecks.value(v, "MAX_ATTEMPTS")),
        Integer.parseInt(first(SettingChecks.value(v, "EPOCHS"))),
        Integer.parseInt(first(SettingChecks.value(v, "BATCH_SIZE"))),
        Integer.parseInt(SettingChecks.value(v, "NUM_WORKERS")),
        first(SettingChecks.value(v, "LEARNING_RATE")),
        Long.parseLong(first(SettingChecks.value(v, "SEED"))),
        Collections.unmodifiableMap(datasets),
        Collections.unmodifiableMap(gates),
        Collections.unmodifiableMap(v),
        content.clone(),
        sha256(content));
  }

  /**
   * Every sweepable key with its values, in schema order; a key not swept has one value, and an
   * optional one left empty ({@code SPLITS}) is left out.
   */
  public Map<String, List<String>> sweep() {
    Map<String, List<String>> result = new LinkedHashMap<>();
    for (String key : ExperimentSchema.SWEEPABLE) {
      String value = SettingChecks.value(values, key);
      if (value.isEmpty() && ExperimentSchema.OPTIONAL_SWEEPS.contains(key)) {
        continue;
      }
      result.put(key, List.of(value.split(",")));
    }
    return result;
  }

  /** Whether any key holds more than one value. */
  public boolean sweeps() {
    return sweep().values().stream().anyMatch(l -> l.size() > 1);
  }

  /** How many trials may run at once ({@code SWEEP_MAX_PARALLEL}); 0 for no limit. */
  public int sweepMaxParallel() {
    return Integer.parseInt(SettingChecks.value(values, "SWEEP_MAX_PARALLEL"));
  }

  /** {@code all}: every trial must pass its gate; {@code best}: one trial per task must. */
  public String gateRule() {
    return SettingChecks.value(values, "GATE_RULE");
  }

  /**
   * {@code STAGES=train,evaluate}: each trial is a train job and an evaluate job that the scheduler
   * starts once the train job succeeded; {@code all} (the default): one job does both.
   */
  public boolean splitsStages() {
    return SettingChecks.value(values, "STAGES").equals("train,evaluate");
  }

  /**
   * {@code PUBLISH_CHECKPOINTS=true}: the trials' checkpoint folders are versioned with the other
   * outputs, so that {@code rerun-stage} can evaluate them again without training.
   */
  public boolean publishesCheckpoints() {
    return SettingChecks.value(values, "PUBLISH_CHECKPOINTS").equals("true");
  }

  /** {@code EARLY_STOP=asha}: the agent stops a sweep's trials that fall behind at a rung. */
  public boolean earlyStops() {
    return SettingChecks.value(values, "EARLY_STOP").equals("asha");
  }

  /**
   * The validation metric early stopping compares for a task ({@code EARLY_STOP_METRIC}, else the
   * validation form of the task's gate metric), under Cairn's (TerraTorch 1.1) name.
   */
  public String earlyStopMetric(TaskDefinition task) {
    return EarlyStopKeys.metric(values, task);
  }

  /** Whether a larger value of {@link #earlyStopMetric} is better. */
  public boolean earlyStopHigherIsBetter(TaskDefinition task) {
    return EarlyStopKeys.higherIsBetter(values, task);
  }

  /** The first rung, in epochs ({@code EARLY_STOP_MIN_EPOCHS}). */
  public int earlyStopMinEpochs() {
    return Integer.parseInt(SettingChecks.value(values, "EARLY_STOP_MIN_EPOCHS"));
  }

  /** The reduction factor eta ({@code EARLY_STOP_REDUCTION}): 1/eta of a rung goes on. */
  public int earlyStopReduction() {
    return Integer.parseInt(SettingChecks.value(values, "EARLY_STOP_REDUCTION"));
  }

  /** The evaluate job's partition ({@code EVAL_PARTITION}); empty for the train job's. */
  public String evalPartition() {
    return SettingChecks.value(values, "EVAL_PARTITION");
  }

  /** The evaluate job's time limit ({@code EVAL_TIME_LIMIT}); null for the train job's. */
  public @Nullable Duration evalTimeLimit() {
    String v = SettingChecks.value(values, "EVAL_TIME_LIMIT");
    return v.isEmpty() ? null : Duration.ofSeconds(Long.parseLong(v));
  }

  /**
   * The cluster an agent names when {@code CAIRN_CLUSTER} is unset, and a routed trial's default.
   */
  public static final String DEFAULT_CLUSTER = "default";

  /**
   * The canonical value of a resource key ({@code PARTITION}, {@code TIME_LIMIT}, ...) for one task
   * and model: {@code PRITHVI_EO_V2_600_PARTITION} wins over {@code CROP_PARTITION}, which wins
   * over {@code PARTITION}. An empty override counts as unset.
   */
  public String resource(String key, TaskDefinition task, @Nullable String model) {
    if (!ExperimentSchema.RESOURCES.contains(key)) {
      throw new IllegalArgumentException(key + " is not a resource key");
    }
    List<String> prefixes =
        model == null
            ? List.of(task.prefix())
            : List.of(ExperimentSchema.modelPrefix(model), task.prefix());
    for (String prefix : prefixes) {
      String value = values.get(prefix + key);
      if (value != null && !value.isEmpty()) {
        return value;
      }
    }
    return SettingChecks.value(values, key);
  }

  /**
   * The key whose value {@link #resource} gives for a task and model ({@code
   * PRITHVI_EO_V2_600_CLUSTER}, {@code CROP_CLUSTER} or the plain key), or empty where none of them
   * is set: what a message names as the cause of a trial's routing.
   */
  public String resourceKey(String key, TaskDefinition task, @Nullable String model) {
    if (!ExperimentSchema.RESOURCES.contains(key)) {
      throw new IllegalArgumentException(key + " is not a resource key");
    }
    List<String> prefixes =
        model == null
            ? List.of(task.prefix())
            : List.of(ExperimentSchema.modelPrefix(model), task.prefix());
    for (String prefix : prefixes) {
      String value = values.get(prefix + key);
      if (value != null && !value.isEmpty()) {
        return prefix + key;
      }
    }
    return SettingChecks.value(values, key).isEmpty() ? "" : key;
  }

  /**
   * Whether the config routes trials to clusters: some {@code CLUSTER}, {@code <TASK>_CLUSTER} or
   * {@code <MODEL>_CLUSTER} is set. Without any, the whole run goes to whichever agent claims it.
   */
  public boolean routesClusters() {
    return values.entrySet().stream()
        .anyMatch(
            e ->
                (e.getKey().equals("CLUSTER") || e.getKey().endsWith("_CLUSTER"))
                    && !e.getValue().isEmpty());
  }

  /**
   * The cluster that runs a task's trials on a model: {@code PRITHVI_EO_V2_600_CLUSTER} over {@code
   * CROP_CLUSTER} over {@code CLUSTER}, and {@value #DEFAULT_CLUSTER} where a config that routes
   * names none of them for it; empty where the config routes nothing.
   */
  public String cluster(TaskDefinition task, @Nullable String model) {
    if (!routesClusters()) {
      return "";
    }
    String routed = resource("CLUSTER", task, model);
    return routed.isEmpty() ? DEFAULT_CLUSTER : routed;
  }

  private static String first(String list) {
    int comma = list.indexOf(',');
    return comma < 0 ? list : list.substring(0, comma);
  }

  /**
   * The clusters a config names, read without validating the rest (for an agent deciding whether to
   * claim its share before provenance is known): every value of {@code CLUSTER} and its overrides,
   * and {@value #DEFAULT_CLUSTER} where {@code CLUSTER} itself is unset; empty where the config
   * routes nothing or cannot be read. Never throws, whatever the bytes.
   */
  public static Set<String> clustersNamedBy(byte[] content) {
    Set<String> named = new java.util.TreeSet<>();
    try {
      Map<String, String> raw = EnvFile.parse(content, new ArrayList<>());
      raw.forEach(
          (k, v) -> {
            if ((k.equals("CLUSTER") || k.endsWith("_CLUSTER")) && !v.isBlank()) {
              named.add(v.strip());
            }
          });
      String cluster = raw.get("CLUSTER");
      if (!named.isEmpty() && (cluster == null || cluster.isBlank())) {
        named.add(DEFAULT_CLUSTER);
      }
    } catch (RuntimeException e) {
      return Set.of();
    }
    return named;
  }

  /**
   * The experiment name a config gives, read without validating the rest (for naming a run before
   * its provenance is known); {@code "rejected"} when the file does not name one plainly. Never
   * throws, whatever the bytes.
   */
  public static String experimentNameOf(byte[] content) {
    List<String> problems = new ArrayList<>();
    try {
      String name = EnvFile.parse(content, problems).get("EXPERIMENT_NAME");
      return Checks.name(false).apply(name == null ? "" : name);
    } catch (RuntimeException e) {
      return "rejected";
    }
  }

  public String text() {
    return new String(content, StandardCharsets.UTF_8);
  }

  public static String sha256(byte[] content) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(content);
      return java.util.HexFormat.of().formatHex(d);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
