package dev.cairn.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

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

  /** A configuration's repetitions of one task; {@code summary} is null when none reported. */
  public record Cell(Stats.Summary summary, int trials) {}

  /** One configuration: its distinguishing values, trials and cells. */
  public record Row(
      String runId,
      Map<String, String> values,
      List<TrialResult> trials,
      Map<String, Cell> cells,
      Stats.Summary score) {

    /** GPU-hours of its trials (CPU-hours where the matrix had no GPU), summed. */
    public Double cost(boolean gpu) {
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
    public Long meanElapsedS() {
      var stats =
          trials.stream().filter(t -> t.elapsedS() != null).mapToLong(TrialResult::elapsedS);
      var avg = stats.average();
      return avg.isPresent() ? Math.round(avg.getAsDouble()) : null;
    }

    /** The highest peak memory of its trials, or null. */
    public Long peakMemoryMb() {
      var max =
          trials.stream().filter(t -> t.maxRssMb() != null).mapToLong(TrialResult::maxRssMb).max();
      return max.isPresent() ? max.getAsLong() : null;
    }
  }

  /**
   * The best row of a column and how it stands against the next best.
   *
   * @param win true when both have at least two repetitions and their intervals separate
   */
  public record Verdict(String task, Row best, Row runnerUp, boolean win) {}

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
            cells.put(col.task(), new Cell(Stats.of(v), count(trials, col.task())));
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
          rows.add(new Row(runOf.get(key), values, List.copyOf(trials), cells, score));
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
  public Verdict verdict(Column col) {
    List<Row> ranked = new ArrayList<>();
    for (Row r : rows) {
      if (r.cells().get(col.task()).summary() != null) {
        ranked.add(r);
      }
    }
    if (ranked.isEmpty()) {
      return null;
    }
    ranked.sort(
        (a, b) -> {
          double x = a.cells().get(col.task()).summary().mean();
          double y = b.cells().get(col.task()).summary().mean();
          return col.higherIsBetter() ? Double.compare(y, x) : Double.compare(x, y);
        });
    Row best = ranked.get(0);
    Row next = ranked.size() > 1 ? ranked.get(1) : null;
    boolean win =
        next != null
            && best.cells()
                .get(col.task())
                .summary()
                .separatesFrom(next.cells().get(col.task()).summary());
    return new Verdict(col.task(), best, next, win);
  }

  /** The best row by the score across tasks and how it stands; null with one task. */
  public Verdict scoreVerdict() {
    List<Row> ranked = new ArrayList<>(rows.stream().filter(r -> r.score() != null).toList());
    if (ranked.isEmpty()) {
      return null;
    }
    ranked.sort((a, b) -> Double.compare(b.score().mean(), a.score().mean()));
    Row best = ranked.get(0);
    Row next = ranked.size() > 1 ? ranked.get(1) : null;
    boolean win = next != null && best.score().separatesFrom(next.score());
    return new Verdict("all tasks", best, next, win);
  }
}
