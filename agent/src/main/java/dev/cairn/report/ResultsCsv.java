package dev.cairn.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * {@code results.csv}: one row per completed trial in the columns of the GEO-Bench-2 leaderboard's
 * {@code results_and_parameters.csv} (The-AI-Alliance/GEO-Bench-2-Leaderboard, {@code
 * utils/constants.py}, {@code NEW_SUBMISSION_COLUMN_INFO}), in that order, so that a run's results
 * go to that leaderboard or into a notebook as they are.
 */
public final class ResultsCsv {
  public static final String FILE = "results.csv";

  /** The leaderboard's columns: its string, then integer, then float columns. */
  public static final List<String> COLUMNS =
      List.of(
          "dataset",
          "Metric",
          "experiment_name",
          "partition name",
          "backbone",
          "decoder",
          "batch_size_selection",
          "frozen_or_full_ft",
          "early_stop_patience",
          "n_trials",
          "Seed",
          "data_percentages",
          "batch_size",
          "weight_decay",
          "lr",
          "test metric");

  /** The leaderboard's name of a training run on the whole training set. */
  static final String WHOLE_TRAIN = "1.00x train";

  private ResultsCsv() {}

  /** The file's text: a header, then a row per completed trial with its headline metric. */
  public static String write(RunReport run) {
    StringBuilder sb = new StringBuilder(line(COLUMNS));
    Map<String, Set<Map<String, String>>> configs = new LinkedHashMap<>();
    for (TrialResult t : run.trials()) {
      configs
          .computeIfAbsent(t.task() + "\n" + t.params().get("GEOFM"), k -> new LinkedHashSet<>())
          .add(Matrix.config(t));
    }
    for (TrialResult t : run.trials()) {
      if (!t.completed() || t.headline() == null) {
        continue;
      }
      Map<String, String> p = t.params();
      String split = p.getOrDefault("SPLITS", "");
      List<String> row = new ArrayList<>();
      row.add(t.task());
      row.add(t.gateMetric());
      row.add(p.getOrDefault("EXPERIMENT_NAME", run.runId()));
      row.add(split.isEmpty() ? WHOLE_TRAIN : split);
      row.add(p.getOrDefault("GEOFM", ""));
      row.add("demo".equals(p.get("TRAINER")) ? "demo" : "UNetDecoder");
      row.add("fixed");
      row.add("full_ft");
      row.add("");
      Set<Map<String, String>> group =
          Objects.requireNonNull(
              configs.get(t.task() + "\n" + p.get("GEOFM")), "every trial was grouped above");
      row.add(Integer.toString(group.size()));
      row.add(p.getOrDefault("SEED", ""));
      row.add("100");
      row.add(p.getOrDefault("BATCH_SIZE", ""));
      row.add("");
      row.add(p.getOrDefault("LEARNING_RATE", ""));
      row.add(String.format(Locale.ROOT, "%s", t.headline()));
      sb.append(line(row));
    }
    return sb.toString();
  }

  private static String line(List<String> cells) {
    List<String> quoted = new ArrayList<>();
    for (String c : cells) {
      String s = c == null ? "" : c;
      quoted.add(
          s.contains(",") || s.contains("\"") || s.contains("\n") || s.contains("\r")
              ? "\"" + s.replace("\"", "\"\"") + "\""
              : s);
    }
    return String.join(",", quoted) + "\n";
  }
}
