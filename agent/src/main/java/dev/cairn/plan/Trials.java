package dev.cairn.plan;

import dev.cairn.CairnException;
import dev.cairn.config.ExperimentConfig;
import dev.cairn.config.TaskDefinition;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The trials of a config: for every task in {@code TASKS}, the cartesian product of the values of
 * the sweepable keys, each with its resources and a stable id.
 */
public final class Trials {
  private static final Pattern SLUG = Pattern.compile("[A-Za-z0-9._+-]+");
  private static final int MAX_SLUG = 72;
  private static final Map<String, String> SHORT =
      Map.of(
          "LEARNING_RATE",
          "lr",
          "SEED",
          "s",
          "BATCH_SIZE",
          "b",
          "EPOCHS",
          "e",
          "GEOFM",
          "",
          "SPLITS",
          "sp");

  private Trials() {}

  /** Every trial, task by task, the sweep's first key varying slowest. */
  public static List<Trial> of(ExperimentConfig config) {
    List<Map<String, String>> points = new ArrayList<>();
    points.add(new LinkedHashMap<>());
    for (Map.Entry<String, List<String>> e : config.sweep().entrySet()) {
      List<Map<String, String>> next = new ArrayList<>();
      for (Map<String, String> p : points) {
        for (String value : e.getValue()) {
          Map<String, String> q = new LinkedHashMap<>(p);
          q.put(e.getKey(), value);
          next.add(q);
        }
      }
      points = next;
    }
    boolean sweeps = config.sweeps();
    List<Trial> trials = new ArrayList<>();
    for (TaskDefinition task : config.tasks()) {
      for (Map<String, String> values : points) {
        String id = sweeps ? id(task.name(), values) : task.name();
        String model = values.get("GEOFM");
        trials.add(
            new Trial(
                id, task, values, resources(config, task, model), config.cluster(task, model)));
      }
    }
    return List.copyOf(trials);
  }

  /**
   * Throws, with the count, when a config asks for more trials than the site allows.
   *
   * @param max the agent's {@code CAIRN_MAX_TRIALS}
   */
  public static void checkLimit(ExperimentConfig config, int max) {
    int n = config.tasks().size();
    for (List<String> values : config.sweep().values()) {
      n *= values.size();
    }
    if (n > max) {
      throw new CairnException(
          "the sweep has "
              + n
              + " trials but this site allows at most "
              + max
              + " per run (CAIRN_MAX_TRIALS); sweep fewer values or split the comparison into"
              + " several commits");
    }
  }

  /**
   * {@code crop_classification-prithvi_eo_v2_300-lr3e-4-s42-b8-e5}, or {@code <task>-<hash>} where
   * that is too long: made from the task and every sweepable value, so the same values give the
   * same id in any run.
   */
  static String id(String task, Map<String, String> values) {
    StringBuilder slug = new StringBuilder(task);
    for (Map.Entry<String, String> e : values.entrySet()) {
      if (e.getValue().isEmpty()) {
        continue; // an unset LEARNING_RATE: the trainer's own
      }
      slug.append('-').append(SHORT.getOrDefault(e.getKey(), e.getKey())).append(e.getValue());
    }
    if (slug.length() <= MAX_SLUG && SLUG.matcher(slug).matches()) {
      return slug.toString();
    }
    StringBuilder sorted = new StringBuilder();
    new TreeMap<>(values).forEach((k, v) -> sorted.append(k).append('=').append(v).append('\n'));
    return task + "-" + sha256(sorted.toString()).substring(0, 10);
  }

  static Resources resources(ExperimentConfig config, TaskDefinition task, @Nullable String model) {
    return new Resources(
        config.resource("PARTITION", task, model),
        config.resource("ACCOUNT", task, model),
        Integer.parseInt(config.resource("GPUS_PER_JOB", task, model)),
        Integer.parseInt(config.resource("CPUS_PER_JOB", task, model)),
        Long.parseLong(config.resource("MEMORY_PER_JOB", task, model)),
        Duration.ofSeconds(Long.parseLong(config.resource("TIME_LIMIT", task, model))));
  }

  private static String sha256(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
