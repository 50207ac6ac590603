package dev.cairn.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What changed from a baseline run to a run: each task's metrics (best trial against best trial)
 * and the parameters.
 */
public final class Deltas {
  private Deltas() {}

  /** One metric of one task in both runs. */
  public record Delta(
      String task, String metric, Double baseline, Double current, boolean higherIsBetter) {
    /** current - baseline, or null when either is missing. */
    public Double diff() {
      return baseline == null || current == null ? null : current - baseline;
    }

    /** The change relative to the baseline, or null when it cannot be computed. */
    public Double relative() {
      Double d = diff();
      return d == null || baseline == 0 ? null : d / Math.abs(baseline);
    }

    /** True when better, false when worse, null when unchanged or unknown. */
    public Boolean better() {
      Double d = diff();
      if (d == null || d == 0) {
        return null;
      }
      return higherIsBetter ? d > 0 : d < 0;
    }
  }

  /** A parameter whose value differs; null where a run did not have it. */
  public record ParamChange(String key, String before, String after) {}

  /**
   * For each task of {@code current}: its metrics, the gate metric first, against the baseline's.
   */
  public static List<Delta> metrics(RunReport current, RunReport baseline) {
    List<Delta> result = new ArrayList<>();
    for (String task : current.tasks()) {
      TrialResult now = current.best(task);
      TrialResult then = baseline == null ? null : baseline.best(task);
      if (now == null) {
        continue;
      }
      Set<String> names = new LinkedHashSet<>();
      if (now.gateMetric() != null) {
        names.add(now.gateMetric());
      }
      names.addAll(now.metrics().keySet());
      if (then != null) {
        names.addAll(then.metrics().keySet());
      }
      for (String metric : names) {
        result.add(
            new Delta(
                task,
                metric,
                then == null ? null : then.metrics().get(metric),
                now.metrics().get(metric),
                Leaderboard.higherIsBetter(metric, now)));
      }
    }
    return result;
  }

  /** The parameters, as every trial of each run shares them, that differ between the runs. */
  public static List<ParamChange> params(RunReport current, RunReport baseline) {
    Map<String, String> before = shared(baseline);
    Map<String, String> after = shared(current);
    Set<String> keys = new LinkedHashSet<>(after.keySet());
    keys.addAll(before.keySet());
    List<ParamChange> result = new ArrayList<>();
    for (String key : keys) {
      if (!Objects.equals(before.get(key), after.get(key))) {
        result.add(new ParamChange(key, before.get(key), after.get(key)));
      }
    }
    return result;
  }

  /** The parameters whose value is the same in every trial of the run. */
  static Map<String, String> shared(RunReport run) {
    Map<String, String> result = new LinkedHashMap<>();
    if (run == null || run.trials().isEmpty()) {
      return result;
    }
    Set<String> differing =
        Leaderboard.differing(run.trials().stream().map(TrialResult::params).toList());
    run.trials()
        .get(0)
        .params()
        .forEach(
            (k, v) -> {
              if (!differing.contains(k)) {
                result.put(k, v);
              }
            });
    return result;
  }
}
