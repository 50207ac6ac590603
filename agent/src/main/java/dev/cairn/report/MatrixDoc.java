package dev.cairn.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/** The model x task matrix as a table, then one line per task naming its winner or the noise. */
final class MatrixDoc {
  private MatrixDoc() {}

  static void write(Doc doc, Matrix m) {
    if (m.rows().isEmpty()) {
      doc.para("No trials.");
      return;
    }
    List<String> header = new ArrayList<>();
    if (m.severalRuns()) {
      header.add("run");
    }
    header.addAll(m.keys());
    if (header.isEmpty()) {
      header.add("trials");
    }
    List<Matrix.Verdict> verdicts = new ArrayList<>();
    for (Matrix.Column col : m.columns()) {
      header.add(
          col.task() + " " + col.metric() + (col.higherIsBetter() ? " (higher)" : " (lower)"));
      verdicts.add(m.verdict(col));
    }
    boolean scored = m.columns().size() > 1;
    if (scored) {
      header.add("score (IQM)");
    }
    String unit = m.onGpus() ? "GPU-hours" : "CPU-hours";
    header.addAll(List.of(unit, "time", "peak memory"));
    Matrix.Verdict overall = scored ? m.scoreVerdict() : null;
    List<List<String>> rows = new ArrayList<>();
    for (Matrix.Row row : m.rows()) {
      List<String> cells = new ArrayList<>();
      if (m.severalRuns()) {
        cells.add(row.runId());
      }
      cells.addAll(row.values().values());
      if (m.keys().isEmpty() && !m.severalRuns()) {
        cells.add("all");
      }
      for (int i = 0; i < m.columns().size(); i++) {
        Matrix.Cell cell = row.cell(m.columns().get(i).task());
        Matrix.Verdict v = verdicts.get(i);
        cells.add(
            mark(v, row)
                + (cell.summary() == null && cell.trials() > 0 && cell.stopped() == cell.trials()
                    ? "stopped early"
                    : summary(cell.summary(), cell.trials())));
      }
      if (scored) {
        cells.add(mark(overall, row) + score(row.score()));
      }
      cells.add(Format.hours(row.cost(m.onGpus())));
      cells.add(Format.duration(row.meanElapsedS()));
      cells.add(row.peakMemoryMb() == null ? "-" : row.peakMemoryMb() + " MiB");
      rows.add(cells);
    }
    doc.table(header, rows);
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < m.columns().size(); i++) {
      Matrix.Column col = m.columns().get(i);
      lines.add(sentence(m, col.task() + " (" + col.metric() + ")", verdicts.get(i)));
    }
    if (overall != null) {
      lines.add(sentence(m, "across tasks (IQM of min-max normalised scores)", overall));
    }
    doc.para(
        "Mean ± standard deviation [95 % bootstrap interval] over the repetitions (SEED, SPLITS);"
            + " * marks the best mean, a win only where its interval and the runner-up's do not"
            + " overlap. Time is the mean per trial, cost the sum.");
    lines.forEach(doc::para);
  }

  private static String mark(Matrix.@Nullable Verdict v, Matrix.Row row) {
    return v != null && v.best() == row && v.runnerUp() != null ? "*" : "";
  }

  /** The IQM and its interval; its spread is the interval's, a standard deviation says nothing. */
  private static String score(Stats.@Nullable Summary s) {
    if (s == null) {
      return "-";
    }
    String text = String.format(Locale.ROOT, "%.4f", s.mean());
    return s.n() < 2
        ? text + " (n=1)"
        : text + String.format(Locale.ROOT, " [%.4f, %.4f] n=%d", s.low(), s.high(), s.n());
  }

  static String summary(Stats.@Nullable Summary s, int trials) {
    if (s == null) {
      return trials == 0 ? "-" : "no result";
    }
    String text = String.format(Locale.ROOT, "%.4f", s.mean());
    if (s.n() < 2) {
      return text + " (n=1)";
    }
    return text
        + String.format(Locale.ROOT, " ± %.4f [%.4f, %.4f] n=%d", s.sd(), s.low(), s.high(), s.n());
  }

  private static String sentence(Matrix m, String what, Matrix.@Nullable Verdict v) {
    if (v == null) {
      return what + ": no results.";
    }
    Matrix.Row runnerUp = v.runnerUp();
    if (runnerUp == null) {
      return what + ": " + m.label(v.best()) + " alone.";
    }
    if (v.win()) {
      return what
          + ": "
          + m.label(v.best())
          + " wins over "
          + m.label(runnerUp)
          + " (95 % intervals separate).";
    }
    boolean single = !repeated(v, runnerUp);
    return what
        + ": "
        + m.label(v.best())
        + " is ahead of "
        + m.label(runnerUp)
        + (single
            ? ", but with one repetition each there is no interval: sweep SEED or SPLITS to tell."
            : ", but within noise (95 % intervals overlap).");
  }

  private static boolean repeated(Matrix.Verdict v, Matrix.Row runnerUp) {
    Stats.Summary a = v.task().equals("all tasks") ? v.best().score() : cell(v.best(), v.task());
    Stats.Summary b = v.task().equals("all tasks") ? runnerUp.score() : cell(runnerUp, v.task());
    return a != null && b != null && a.n() >= 2 && b.n() >= 2;
  }

  private static Stats.@Nullable Summary cell(Matrix.Row row, String task) {
    Matrix.Cell c = row.cells().get(task);
    return c == null ? null : c.summary();
  }
}
