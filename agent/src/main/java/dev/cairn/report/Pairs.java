package dev.cairn.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The configurations of two runs paired by their values: equal values pair, and a key whose list of
 * values changed with the same length pairs value for value in order ({@code 1e-4,3e-4} against
 * {@code 1e-3,3e-3}: 1e-4 with 1e-3). Each configuration's repetitions (SEED, SPLITS) are
 * summarised, so a change is called better or worse only when the 95 % intervals separate.
 */
public final class Pairs {
  private Pairs() {}

  /**
   * One configuration of one task in both runs. Only trials that ran to the end count in a summary;
   * {@code stoppedBefore} and {@code stoppedAfter} say that early stopping stopped every trial of
   * the configuration in that run, which then has no summary and no verdict (it is not a loss).
   */
  public record Pair(
      String task,
      @Nullable String metric,
      boolean higherIsBetter,
      String label,
      Stats.@Nullable Summary before,
      Stats.@Nullable Summary after,
      boolean stoppedBefore,
      boolean stoppedAfter) {
    public Pair(
        String task,
        @Nullable String metric,
        boolean higherIsBetter,
        String label,
        Stats.@Nullable Summary before,
        Stats.@Nullable Summary after) {
      this(task, metric, higherIsBetter, label, before, after, false, false);
    }

    /** after - before, of the means; null when either is missing. */
    public @Nullable Double diff() {
      Stats.Summary b = before;
      Stats.Summary a = after;
      return b == null || a == null ? null : a.mean() - b.mean();
    }

    /** better, worse, same, within noise, or "-" when a side is missing. */
    public String verdict() {
      Stats.Summary b = before;
      Stats.Summary a = after;
      if (b == null || a == null) {
        return "-";
      }
      double d = a.mean() - b.mean();
      if (d == 0) {
        return "same";
      }
      String direction = (higherIsBetter ? d > 0 : d < 0) ? "better" : "worse";
      if (b.n() < 2 || a.n() < 2) {
        return direction + " (n=1)";
      }
      return a.separatesFrom(b) ? direction : "within noise";
    }
  }

  /** The pairs of {@code current} against {@code baseline}, in the current run's order. */
  public static List<Pair> of(RunReport current, RunReport baseline) {
    Map<String, List<String>> before = Deltas.values(baseline);
    Map<String, List<String>> after = Deltas.values(current);
    Map<String, Map<String, String>> mapping = new LinkedHashMap<>();
    Set<String> changed = new LinkedHashSet<>();
    for (Deltas.ParamChange c : Deltas.params(current, baseline)) {
      if (Matrix.REPETITIONS.contains(c.key())) {
        continue;
      }
      changed.add(c.key());
      List<String> b = before.get(c.key());
      List<String> a = after.get(c.key());
      if (a != null && b != null && a.size() == b.size()) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < b.size(); i++) {
          m.put(b.get(i), a.get(i));
        }
        mapping.put(c.key(), m);
      }
    }
    Map<List<Object>, List<TrialResult>> then = groups(baseline, mapping);
    Map<List<Object>, List<TrialResult>> now = groups(current, Map.of());
    Set<String> shown = new LinkedHashSet<>(changed);
    shown.addAll(Leaderboard.differing(current.trials().stream().map(Matrix::config).toList()));
    shown.removeAll(Matrix.REPETITIONS);
    List<Pair> pairs = new ArrayList<>();
    now.forEach(
        (key, trials) -> {
          List<TrialResult> old = then.get(key);
          if (old == null) {
            return;
          }
          TrialResult first = trials.get(0);
          TrialResult earlier = old.get(0);
          List<String> parts = new ArrayList<>();
          for (String k : shown) {
            String b = earlier.params().get(k);
            String a = first.params().get(k);
            parts.add(k + "=" + (Objects.equals(a, b) ? a : Format.orDash(b) + " -> " + a));
          }
          pairs.add(
              new Pair(
                  first.task(),
                  first.gateMetric(),
                  first.higherIsBetter(),
                  parts.isEmpty() ? first.task() : String.join(", ", parts),
                  Stats.of(headlines(old)),
                  Stats.of(headlines(trials)),
                  old.stream().allMatch(TrialResult::stopped),
                  trials.stream().allMatch(TrialResult::stopped)));
        });
    return pairs;
  }

  /** Trials by task and configuration, the baseline's values mapped to the current run's. */
  private static Map<List<Object>, List<TrialResult>> groups(
      RunReport run, Map<String, Map<String, String>> mapping) {
    Map<List<Object>, List<TrialResult>> groups = new LinkedHashMap<>();
    for (TrialResult t : run.trials()) {
      Map<String, String> config = new LinkedHashMap<>(Matrix.config(t));
      mapping.forEach((k, m) -> config.computeIfPresent(k, (x, v) -> m.getOrDefault(v, v)));
      groups.computeIfAbsent(List.of(t.task(), config), k -> new ArrayList<>()).add(t);
    }
    return groups;
  }

  private static List<Double> headlines(List<TrialResult> trials) {
    List<Double> v = new ArrayList<>();
    for (TrialResult t : trials) {
      if (t.completed() && t.headline() != null) {
        v.add(t.headline());
      }
    }
    return v;
  }
}
