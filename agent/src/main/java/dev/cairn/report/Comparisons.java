package dev.cairn.report;

import dev.cairn.model.EarlyStopRecord;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What {@code agent.jar runs} and {@code agent.jar compare} show: the runs of a branch with each
 * task's headline metric and the cost, and several runs side by side (leaderboards, then each run's
 * changes from the first), as a {@link Doc} or as plain data for JSON.
 */
public final class Comparisons {
  private Comparisons() {}

  /** One row per run, oldest first. */
  public static Doc runs(String branch, List<RunReport> runs) {
    Doc doc = new Doc().heading(1, runs.size() + " run(s) on " + branch);
    List<String> tasks = tasks(runs);
    List<String> header = new ArrayList<>(List.of("run", "config", "results", "state", "finished"));
    header.addAll(tasks);
    header.add("cost (h)");
    List<List<String>> rows = new ArrayList<>();
    for (RunReport r : runs) {
      List<String> row =
          new ArrayList<>(
              List.of(
                  r.runId(),
                  Format.shortSha(r.configCommit()),
                  Format.shortSha(r.resultsCommit()),
                  Format.orDash(r.state()),
                  Format.time(r.finishedAt())));
      for (String task : tasks) {
        TrialResult best = r.best(task);
        row.add(
            best == null || best.gateMetric() == null
                ? "-"
                : best.gateMetric()
                    + " "
                    + Format.metric(best.headline())
                    + (best.passed() == null ? "" : best.passed() ? "" : " FAIL"));
      }
      row.add(Format.hours(r.cost()) + (r.cost() == null ? "" : r.onGpus() ? " GPU" : " CPU"));
      rows.add(row);
    }
    return doc.table(header, rows);
  }

  /**
   * The runs side by side: who they are, each task's leaderboard, and every run's changes from the
   * first.
   */
  public static Doc compare(List<RunReport> runs) {
    RunReport first = runs.get(0);
    Doc doc = new Doc().heading(1, "Comparing " + runs.size() + " run(s)");
    if (runs.size() == 1) {
      doc.para(first.runId() + " has no earlier run to compare with: its own results follow.");
    }
    List<List<String>> rows = new ArrayList<>();
    for (RunReport r : runs) {
      rows.add(
          List.of(
              r.runId(),
              Format.shortSha(r.configCommit()),
              Format.shortSha(r.resultsCommit()),
              Format.orDash(r.state()),
              Format.orDash(r.subject()),
              Format.hours(r.cost())));
    }
    doc.table(List.of("run", "config", "results", "state", "subject", "cost (h)"), rows);
    earlyStopping(doc, runs);
    doc.heading(2, "Model x task");
    MatrixDoc.write(doc, Matrix.of(runs));
    doc.heading(2, "Leaderboard");
    ReportDoc.leaderboards(doc, runs, null);
    if (Clusters.routed(runs)) {
      doc.heading(2, "Cost per cluster");
      doc.para("GPU-hours, or CPU-hours where none of a cluster's trials had a GPU.");
      Clusters.write(doc, runs);
    }
    for (RunReport r : runs.subList(1, runs.size())) {
      doc.heading(2, r.runId() + " against " + first.runId());
      ReportDoc.deltas(doc, r, first);
    }
    return doc;
  }

  /**
   * For runs with early stopping, the trials stopped and the share of the full grid's epochs and
   * hours each spent: its cost is not that of its full grid, and its stopped trials have no results
   * (the leaderboards list them last, the matrix and the pairs leave them out).
   */
  private static void earlyStopping(Doc doc, List<RunReport> runs) {
    List<List<String>> rows = new ArrayList<>();
    for (RunReport r : runs) {
      EarlyStopRecord e = r.earlyStop();
      if (e == null) {
        continue;
      }
      EarlyStops.Hours h = EarlyStops.hours(r, e);
      rows.add(
          List.of(
              r.runId(),
              e.stopped() + " of " + r.trials().size(),
              e.epochsRun()
                  + " of "
                  + e.epochsPlanned()
                  + " ("
                  + EarlyStops.percent(e.epochShare())
                  + ")",
              Format.hours(h.spent())
                  + " of "
                  + Format.hours(h.fullGrid())
                  + " "
                  + h.unit()
                  + " ("
                  + EarlyStops.percent(h.spentShare())
                  + ")"));
    }
    if (rows.isEmpty()) {
      return;
    }
    doc.heading(2, "Early stopping");
    doc.table(
        List.of("run", "trials stopped", "epochs trained", "hours spent of the full grid's"), rows);
    doc.para(
        "A stopped trial did not run to the end: the leaderboards list it last, and it counts in"
            + " no configuration's mean or repetitions, nor in any change between runs.");
  }

  /** The runs of {@link #runs} as data: id, commits, state, headline per task, cost. */
  public static List<Map<String, Object>> runsData(List<RunReport> runs) {
    List<Map<String, Object>> result = new ArrayList<>();
    for (RunReport r : runs) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("run_id", r.runId());
      m.put("config_commit", r.configCommit());
      m.put("results_commit", r.resultsCommit());
      m.put("state", r.state());
      m.put("finished_at", r.finishedAt());
      m.put("subject", r.subject());
      Map<String, Object> headline = new LinkedHashMap<>();
      for (String task : r.tasks()) {
        TrialResult best = r.best(task);
        if (best != null) {
          Map<String, Object> h = new LinkedHashMap<>();
          h.put("trial", best.trialId());
          h.put("metric", best.gateMetric());
          h.put("value", best.headline());
          h.put("passed", best.passed());
          headline.put(task, h);
        }
      }
      m.put("headline", headline);
      m.put("cost_hours", r.cost());
      m.put("cost_unit", r.onGpus() ? "GPU-hours" : "CPU-hours");
      if (Clusters.routed(List.of(r))) {
        List<Map<String, Object>> clusters = new ArrayList<>();
        for (Clusters.Cost c : Clusters.costs(r.trials())) {
          Map<String, Object> cm = new LinkedHashMap<>();
          cm.put("cluster", c.cluster());
          cm.put("trials", c.trials());
          cm.put("elapsed_s", c.elapsedS());
          cm.put("cost_hours", c.hours());
          cm.put("cost_unit", c.unit());
          clusters.add(cm);
        }
        m.put("clusters", clusters);
      }
      EarlyStopRecord e = r.earlyStop();
      if (e != null) {
        EarlyStops.Hours h = EarlyStops.hours(r, e);
        Map<String, Object> es = new LinkedHashMap<>();
        es.put("trials", r.trials().size());
        es.put("trials_stopped", e.stopped());
        es.put("epochs_planned", e.epochsPlanned());
        es.put("epochs_run", e.epochsRun());
        es.put("epoch_share", e.epochShare());
        es.put("cost_unit", h.unit());
        es.put("hours_spent", h.spent());
        es.put("full_grid_hours", h.fullGrid());
        es.put("spent_share", h.spentShare());
        m.put("early_stop", es);
      }
      result.add(m);
    }
    return result;
  }

  /**
   * The comparison of {@link #compare} as data: runs, leaderboards, and deltas from the first run.
   */
  public static Map<String, Object> compareData(List<RunReport> runs) {
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("runs", runsData(runs));
    result.put("matrix", matrixData(Matrix.of(runs)));
    Map<String, Object> boards = new LinkedHashMap<>();
    Leaderboard.rank(runs)
        .forEach(
            (task, rows) -> {
              List<Map<String, Object>> list = new ArrayList<>();
              for (Leaderboard.Row row : rows) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("rank", row.rank());
                m.put("run_id", row.runId());
                m.put("trial", row.trial().trialId());
                m.put("label", row.label());
                if (row.trial().cluster() != null) {
                  m.put("cluster", row.trial().cluster());
                }
                m.put("metric", row.trial().gateMetric());
                m.put("value", row.trial().headline());
                m.put("gate", row.trial().gate());
                m.put("passed", row.trial().passed());
                m.put("stopped", row.trial().stopped());
                m.put("cost_hours", row.trial().cost());
                list.add(m);
              }
              boards.put(task, list);
            });
    result.put("leaderboard", boards);
    List<Map<String, Object>> deltas = new ArrayList<>();
    RunReport first = runs.get(0);
    for (RunReport r : runs.subList(1, runs.size())) {
      for (Deltas.Delta d : Deltas.metrics(r, first)) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("run_id", r.runId());
        m.put("baseline_run_id", first.runId());
        m.put("task", d.task());
        m.put("metric", d.metric());
        m.put("baseline", d.baseline());
        m.put("current", d.current());
        m.put("diff", d.diff());
        m.put("relative", d.relative());
        m.put("better", d.better());
        deltas.add(m);
      }
      for (Pairs.Pair p : Pairs.of(r, first)) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("run_id", r.runId());
        m.put("baseline_run_id", first.runId());
        m.put("task", p.task());
        m.put("pair", p.label());
        m.put("metric", p.metric());
        m.put("baseline", summaryData(p.before()));
        m.put("current", summaryData(p.after()));
        m.put("diff", p.diff());
        m.put("verdict", p.verdict());
        m.put("baseline_stopped", p.stoppedBefore());
        m.put("current_stopped", p.stoppedAfter());
        deltas.add(m);
      }
      for (Deltas.ParamChange c : Deltas.params(r, first)) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("run_id", r.runId());
        m.put("baseline_run_id", first.runId());
        m.put("parameter", c.key());
        m.put("baseline", c.before());
        m.put("current", c.after());
        deltas.add(m);
      }
    }
    result.put("changes", deltas);
    return result;
  }

  /** The matrix as data: a row per configuration, each task's summary, the score and the cost. */
  static List<Map<String, Object>> matrixData(Matrix m) {
    List<Map<String, Object>> rows = new ArrayList<>();
    for (Matrix.Row row : m.rows()) {
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("run_id", row.runId());
      r.put("values", row.values());
      Map<String, Object> cells = new LinkedHashMap<>();
      for (Matrix.Column col : m.columns()) {
        Map<String, Object> c = summaryData(row.cell(col.task()).summary());
        if (c != null) {
          c.put("metric", col.metric());
          Matrix.Verdict v = m.verdict(col);
          c.put("best", v != null && v.best() == row);
          c.put("wins", v != null && v.best() == row && v.win());
        }
        cells.put(col.task(), c);
      }
      r.put("tasks", cells);
      r.put("score_iqm", summaryData(row.score()));
      r.put("cost_hours", row.cost(m.onGpus()));
      r.put("cost_unit", m.onGpus() ? "GPU-hours" : "CPU-hours");
      r.put("mean_elapsed_s", row.meanElapsedS());
      r.put("peak_memory_mb", row.peakMemoryMb());
      rows.add(r);
    }
    return rows;
  }

  private static @Nullable Map<String, Object> summaryData(Stats.@Nullable Summary s) {
    if (s == null) {
      return null;
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("mean", s.mean());
    m.put("sd", s.sd());
    m.put("n", s.n());
    m.put("ci95_low", s.low());
    m.put("ci95_high", s.high());
    return m;
  }

  private static List<String> tasks(List<RunReport> runs) {
    List<String> tasks = new ArrayList<>();
    runs.forEach(r -> r.tasks().stream().filter(t -> !tasks.contains(t)).forEach(tasks::add));
    return tasks;
  }
}
