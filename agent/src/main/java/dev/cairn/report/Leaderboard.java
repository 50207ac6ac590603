package dev.cairn.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Trials ranked per task by their headline (gate) metric, best first, in the gate's direction;
 * trials that reported no value come last. Each trial is labelled by the parameters that set it
 * apart from the other trials of its task.
 */
public final class Leaderboard {
  private Leaderboard() {}

  /** One place on a task's leaderboard. */
  public record Row(int rank, String runId, TrialResult trial, String label) {}

  /** The trials of the runs by task, in order of the tasks' first appearance, each best first. */
  public static Map<String, List<Row>> rank(List<RunReport> runs) {
    Map<String, List<Object[]>> byTask = new LinkedHashMap<>();
    for (RunReport run : runs) {
      for (TrialResult t : run.trials()) {
        byTask.computeIfAbsent(t.task(), k -> new ArrayList<>()).add(new Object[] {run.runId(), t});
      }
    }
    Map<String, List<Row>> result = new LinkedHashMap<>();
    byTask.forEach(
        (task, entries) -> {
          List<Object[]> sorted = new ArrayList<>(entries);
          sorted.sort(
              Comparator.comparing((Object[] e) -> (TrialResult) e[1], Leaderboard::compare)
                  .thenComparing(
                      e -> (String) e[0], Comparator.nullsLast(Comparator.naturalOrder())));
          Set<String> differing =
              differing(entries.stream().map(e -> ((TrialResult) e[1]).params()).toList());
          List<Row> rows = new ArrayList<>();
          for (Object[] e : sorted) {
            TrialResult t = (TrialResult) e[1];
            rows.add(new Row(rows.size() + 1, (String) e[0], t, label(t, differing)));
          }
          result.put(task, rows);
        });
    return result;
  }

  /**
   * Better first: a reported value before none, then by value in the trial's direction. A trial
   * early stopping stopped ranks as one without a value, after the others that have none: it did
   * not run to the end, so it is never a winner.
   */
  static int compare(TrialResult a, TrialResult b) {
    Double x = a.stopped() ? null : a.headline();
    Double y = b.stopped() ? null : b.headline();
    if (x == null || y == null) {
      int byPresence = x == null ? (y == null ? 0 : 1) : -1;
      if (byPresence == 0) {
        byPresence = Boolean.compare(a.stopped(), b.stopped());
      }
      return byPresence != 0 ? byPresence : a.trialId().compareTo(b.trialId());
    }
    int byValue = a.higherIsBetter() ? Double.compare(y, x) : Double.compare(x, y);
    return byValue != 0 ? byValue : a.trialId().compareTo(b.trialId());
  }

  /** The parameter keys whose values are not the same in every map. */
  static Set<String> differing(List<Map<String, String>> params) {
    Set<String> keys = new LinkedHashSet<>();
    params.forEach(p -> keys.addAll(p.keySet()));
    Set<String> result = new LinkedHashSet<>();
    for (String key : keys) {
      String first = params.get(0).get(key);
      if (params.stream().anyMatch(p -> !Objects.equals(first, p.get(key)))) {
        result.add(key);
      }
    }
    return result;
  }

  private static String label(TrialResult t, Set<String> differing) {
    List<String> parts = new ArrayList<>();
    for (String key : differing) {
      parts.add(key + "=" + t.params().getOrDefault(key, "-"));
    }
    return parts.isEmpty() ? t.trialId() : String.join(", ", parts);
  }

  /**
   * Whether a larger value of a metric is better: the gate's direction for its metric, else by name
   * (errors and losses are better low).
   */
  public static boolean higherIsBetter(String metric, TrialResult trial) {
    if (trial != null && metric.equals(trial.gateMetric())) {
      return trial.higherIsBetter();
    }
    String m = metric.toLowerCase(Locale.ROOT);
    return !(m.contains("loss")
        || m.contains("rmse")
        || m.contains("mae")
        || m.contains("mse")
        || m.contains("error")
        || m.contains("mape"));
  }
}
