package dev.cairn.report;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * What changed from a baseline run to a run: each task's metrics (best trial against best trial)
 * and the parameters.
 */
public final class Deltas {
  private Deltas() {}

  /** One metric of one task in both runs. */
  public record Delta(
      String task,
      @Nullable String metric,
      @Nullable Double baseline,
      @Nullable Double current,
      boolean higherIsBetter) {
    /** current - baseline, or null when either is missing. */
    public @Nullable Double diff() {
      return baseline == null || current == null ? null : current - baseline;
    }

    /** The change relative to the baseline, or null when it cannot be computed. */
    public @Nullable Double relative() {
      Double d = diff();
      Double b = baseline;
      return d == null || b == null || b == 0 ? null : d / Math.abs(b);
    }

    /** True when better, false when worse, null when unchanged or unknown. */
    public @Nullable Boolean better() {
      Double d = diff();
      if (d == null || d == 0) {
        return null;
      }
      return higherIsBetter ? d > 0 : d < 0;
    }
  }

  /** A parameter whose value differs; null where a run did not have it. */
  public record ParamChange(String key, @Nullable String before, @Nullable String after) {}

  /**
   * For each task of {@code current}: its metrics, the gate metric first, against the baseline's.
   */
  public static List<Delta> metrics(RunReport current, @Nullable RunReport baseline) {
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

  /**
   * The parameters whose values differ between the runs: for each key the values its trials ran
   * with, in order of first appearance ({@code 1e-4,3e-4} against {@code 1e-3,3e-3}), swept keys
   * included.
   */
  public static List<ParamChange> params(RunReport current, RunReport baseline) {
    Map<String, List<String>> before = values(baseline);
    Map<String, List<String>> after = values(current);
    Set<String> keys = new LinkedHashSet<>(after.keySet());
    keys.addAll(before.keySet());
    List<ParamChange> result = new ArrayList<>();
    for (String key : keys) {
      List<String> b = before.get(key);
      List<String> a = after.get(key);
      if (b == null || a == null || !new HashSet<>(b).equals(new HashSet<>(a))) {
        result.add(
            new ParamChange(
                key,
                b == null ? null : String.join(",", b),
                a == null ? null : String.join(",", a)));
      }
    }
    return result;
  }

  /** Each parameter's values over the run's trials, in order of first appearance. */
  static Map<String, List<String>> values(RunReport run) {
    Map<String, List<String>> result = new LinkedHashMap<>();
    if (run == null) {
      return result;
    }
    for (TrialResult t : run.trials()) {
      t.params()
          .forEach(
              (k, v) -> {
                List<String> list = result.computeIfAbsent(k, x -> new ArrayList<>());
                if (!list.contains(v)) {
                  list.add(v);
                }
              });
    }
    return result;
  }
}
