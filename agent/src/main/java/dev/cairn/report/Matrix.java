package dev.cairn.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The model x task matrix: one row per configuration (the trials' values but for the repetition
 * keys {@code SEED} and {@code SPLITS}, and the run where there are several), one column per task
 * with its gate metric summarised over the repetitions, the best row of each task and whether it
 * wins (its 95 % interval apart from the runner-up's) or is within noise; with several tasks, a
 * score across them as GEO-Bench-2 aggregates: each task's values min-max normalised (1 the best),
 * then the interquartile mean with a stratified bootstrap interval.
 */
public final class Matrix {
  /** Keys whose values repeat one configuration rather than set it apart. */
  public static final Set<String> REPETITIONS = Set.of("SEED", "SPLITS");

  /** A task's column: its gate metric and the direction it improves. */
  public record Column(String task, String metric, boolean higherIsBetter) {}

  /**
   * A configuration's repetitions of one task; {@code summary} is null when none reported. Only
   * trials that ran to the end count in it: {@code stopped} of the {@code trials} were stopped
   * early at a rung.
   */
  public record Cell(Stats.@Nullable Summary summary, int trials, int stopped) {
    public Cell(Stats.@Nullable Summary summary, int trials) {
      this(summary, trials, 0);
    }
  }

  /** One configuration: its distinguishing values, trials and cells. */
  public record Row(
      String runId,
      Map<String, String> values,
      List<TrialResult> trials,
      Map<String, Cell> cells,
      Stats.@Nullable Summary score) {

    /** The cell of a task: a row has one for each column of its matrix. */
    public Cell cell(String task) {
      Cell c = cells.get(task);
      if (c == null) {
        throw new IllegalArgumentException("the matrix has no column " + task);
      }
      return c;
    }

    /** GPU-hours of its trials (CPU-hours where the matrix had no GPU), summed. */
    public @Nullable Double cost(boolean gpu) {
      Double sum = null;
      for (TrialResult t : trials) {
        Double c = gpu ? t.gpuHours() : t.cpuHours();
        if (c != null) {
          sum = (sum == null ? 0 : sum) + c;
        }
      }
      return sum;
    }

    /** The mean elapsed time of its trials, or null. */
    public @Nullable Long meanElapsedS() {
      long sum = 0;
      int n = 0;
      for (TrialResult t : trials) {
        Long elapsed = t.elapsedS();
        if (elapsed != null) {
          sum += elapsed;
          n++;
        }
      }
      return n == 0 ? null : Math.round((double) sum / n);
    }

    /** The highest peak memory of its trials, or null. */
    public @Nullable Long peakMemoryMb() {
      Long max = null;
      for (TrialResult t : trials) {
        Long rss = t.maxRssMb();
        if (rss != null && (max == null || rss > max)) {
          max = rss;
        }
      }
      return max;
    }
  }

  /**
   * The best row of a column and how it stands against the next best.
   *
   * @param win true when both have at least two repetitions and their intervals separate
   */
  public record Verdict(String task, Row best, @Nullable Row runnerUp, boolean win) {}

  private final List<String> keys;
  private final List<Column> columns;
  private final List<Row> rows;
  private final boolean severalRuns;
  private final boolean gpu;

  private Matrix(
      List<String> keys, List<Column> columns, List<Row> rows, boolean severalRuns, boolean gpu) {
    this.keys = keys;
    this.columns = columns;
    this.rows = rows;
    this.severalRuns = severalRuns;
    this.gpu = gpu;
  }

  /** The matrix of the trials of the runs. */
  public static Matrix of(List<RunReport> runs) {
    boolean several = runs.size() > 1;
    List<Map<String, String>> configs = new ArrayList<>();
    List<TrialResult> all = new ArrayList<>();
    for (RunReport run : runs) {
      for (TrialResult t : run.trials()) {
        configs.add(config(t));
        all.add(t);
      }
    }
    List<String> keys =
        configs.isEmpty() ? List.of() : new ArrayList<>(Leaderboard.differing(configs));
    Map<String, Column> columns = new LinkedHashMap<>();
    for (TrialResult t : all) {
      if (t.gateMetric() != null) {
        columns.putIfAbsent(t.task(), new Column(t.task(), t.gateMetric(), t.higherIsBetter()));
      }
    }
    Map<List<String>, List<TrialResult>> groups = new LinkedHashMap<>();
    Map<List<String>, String> runOf = new LinkedHashMap<>();
    for (RunReport run : runs) {
      for (TrialResult t : run.trials()) {
        List<String> key = new ArrayList<>();
        key.add(several ? run.runId() : "");
        Map<String, String> c = config(t);
        keys.forEach(k -> key.add(c.getOrDefault(k, "-")));
        groups.computeIfAbsent(key, k -> new ArrayList<>()).add(t);
        runOf.put(key, run.runId());
      }
    }
    Map<String, double[]> ranges = ranges(all, columns);
    List<Row> rows = new ArrayList<>();
    groups.forEach(
        (key, trials) -> {
          Map<String, String> values = new LinkedHashMap<>();
          for (int i = 0; i < keys.size(); i++) {
            values.put(keys.get(i), key.get(i + 1));
          }
          Map<String, Cell> cells = new LinkedHashMap<>();
          List<List<Double>> normalised = new ArrayList<>();
          for (Column col : columns.values()) {
            List<Double> v = headlines(trials, col.task());
            cells.put(
                col.task(),
                new Cell(
                    Stats.of(v),
                    count(trials, col.task()),
                    (int)
                        trials.stream()
                            .filter(t -> t.task().equals(col.task()) && t.stopped())
                            .count()));
            double[] range = ranges.get(col.task());
            if (range != null && range[1] > range[0]) {
              List<Double> n = new ArrayList<>();
              for (double x : v) {
                double s = (x - range[0]) / (range[1] - range[0]);
                n.add(col.higherIsBetter() ? s : 1 - s);
              }
              normalised.add(n);
            }
          }
          Stats.Summary score = columns.size() > 1 ? Stats.iqm(normalised) : null;
          String runId = Objects.requireNonNull(runOf.get(key), "each group of trials has its run");
          rows.add(new Row(runId, values, List.copyOf(trials), cells, score));
        });
    boolean gpu = runs.stream().anyMatch(RunReport::onGpus);
    return new Matrix(
        List.copyOf(keys), List.copyOf(columns.values()), List.copyOf(rows), several, gpu);
  }

  /** A trial's values but for the repetition keys. */
  static Map<String, String> config(TrialResult t) {
    Map<String, String> c = new LinkedHashMap<>(t.params());
    REPETITIONS.forEach(c::remove);
    return c;
  }

  private static Map<String, double[]> ranges(List<TrialResult> all, Map<String, Column> columns) {
    Map<String, double[]> ranges = new LinkedHashMap<>();
    for (Column col : columns.values()) {
      List<Double> v = headlines(all, col.task());
      if (!v.isEmpty()) {
        double lo = v.stream().mapToDouble(Double::doubleValue).min().getAsDouble();
        double hi = v.stream().mapToDouble(Double::doubleValue).max().getAsDouble();
        ranges.put(col.task(), new double[] {lo, hi});
      }
    }
    return ranges;
  }

  private static List<Double> headlines(List<TrialResult> trials, String task) {
    List<Double> v = new ArrayList<>();
    for (TrialResult t : trials) {
      if (t.task().equals(task) && t.completed() && t.headline() != null) {
        v.add(t.headline());
      }
    }
    return v;
  }

  private static int count(List<TrialResult> trials, String task) {
    return (int) trials.stream().filter(t -> t.task().equals(task)).count();
  }

  /** The keys that set rows apart, in the order of the trials' values. */
  public List<String> keys() {
    return keys;
  }

  public List<Column> columns() {
    return columns;
  }

  public List<Row> rows() {
    return rows;
  }

  /** Whether rows come from several runs (each row then names its run). */
  public boolean severalRuns() {
    return severalRuns;
  }

  /** Whether any trial ran on GPUs: costs are GPU-hours, else CPU-hours. */
  public boolean onGpus() {
    return gpu;
  }

  /** A row's distinguishing values, {@code GEOFM=prithvi_eo_v2_600}; "all trials" when none. */
  public String label(Row row) {
    List<String> parts = new ArrayList<>();
    if (severalRuns) {
      parts.add(row.runId());
    }
    row.values().forEach((k, v) -> parts.add(k + "=" + v));
    return parts.isEmpty() ? "all trials" : String.join(", ", parts);
  }

  /** The best row of a task by mean and how it stands against the runner-up; null when none. */
  public @Nullable Verdict verdict(Column col) {
    List<Row> ranked = new ArrayList<>();
    Map<Row, Stats.Summary> summaries = new java.util.IdentityHashMap<>();
    for (Row r : rows) {
      Stats.Summary s = r.cell(col.task()).summary();
      if (s != null) {
        ranked.add(r);
        summaries.put(r, s);
      }
    }
    if (ranked.isEmpty()) {
      return null;
    }
    ranked.sort(
        (a, b) -> {
          double x = summary(summaries, a).mean();
          double y = summary(summaries, b).mean();
          return col.higherIsBetter() ? Double.compare(y, x) : Double.compare(x, y);
        });
    Row best = ranked.get(0);
    Row next = ranked.size() > 1 ? ranked.get(1) : null;
    boolean win = next != null && summary(summaries, best).separatesFrom(summary(summaries, next));
    return new Verdict(col.task(), best, next, win);
  }

  private static Stats.Summary score(Row ranked) {
    return Objects.requireNonNull(ranked.score(), "a ranked row has a score");
  }

  private static Stats.Summary summary(Map<Row, Stats.Summary> summaries, Row ranked) {
    return Objects.requireNonNull(summaries.get(ranked), "a ranked row has a summary");
  }

  /** The best row by the score across tasks and how it stands; null with one task. */
  public @Nullable Verdict scoreVerdict() {
    List<Row> ranked = new ArrayList<>(rows.stream().filter(r -> r.score() != null).toList());
    if (ranked.isEmpty()) {
      return null;
    }
    ranked.sort((a, b) -> Double.compare(score(b).mean(), score(a).mean()));
    Row best = ranked.get(0);
    Row next = ranked.size() > 1 ? ranked.get(1) : null;
    boolean win = next != null && score(best).separatesFrom(score(next));
    return new Verdict("all tasks", best, next, win);
  }
}
