package dev.cairn.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The content of a run's report: leaderboards, the change from the baseline, charts, resources,
 * failures.
 */
public final class ReportDoc {
  private ReportDoc() {}

  /**
   * The report of {@code run} against {@code baseline} (null when there is none), showing the
   * charts named.
   */
  public static Doc of(RunReport run, @Nullable RunReport baseline, Set<String> charts) {
    Doc doc = new Doc().heading(1, "Report: " + run.runId());
    doc.heading(2, "Model x task");
    MatrixDoc.write(doc, Matrix.of(List.of(run)));
    doc.para("State: " + run.state() + (run.message() == null ? "" : ": " + run.message()));
    doc.para(
        "Config commit "
            + Format.shortSha(run.configCommit())
            + (run.subject() == null ? "" : " (" + run.subject() + ")")
            + " on branch "
            + Format.orDash(run.branch())
            + ", finished "
            + Format.time(run.finishedAt())
            + ".");
    doc.para(
        baseline == null
            ? "Baseline: none"
                + (run.baseline() == null
                    ? " (no earlier successful run on this branch)."
                    : " (BASELINE=" + run.baseline() + " was not found on this branch).")
            : "Baseline: "
                + baseline.runId()
                + " (config commit "
                + Format.shortSha(baseline.configCommit())
                + (run.baseline() == null
                    ? ", the previous successful run on this branch)."
                    : ", named by BASELINE=" + run.baseline() + ")."));
    doc.heading(2, "Leaderboard");
    leaderboards(doc, List.of(run), baseline);
    if (baseline != null) {
      doc.heading(2, "Compared with " + baseline.runId());
      deltas(doc, run, baseline);
    }
    doc.heading(2, "Learning curves");
    boolean anyCurve = false;
    for (String task : run.tasks()) {
      if (charts.contains(Charts.curvesFile(task))) {
        doc.image("learning curves of " + task, Charts.curvesFile(task));
        anyCurve = true;
      }
    }
    if (!anyCurve) {
      doc.para("No trial logged per-epoch metrics (metrics.csv).");
    }
    if (run.earlyStop() != null) {
      EarlyStops.write(doc, run, run.earlyStop(), charts);
    }
    doc.heading(2, "Metrics and cost");
    if (charts.contains(Charts.COST_FILE)) {
      doc.image("metric against " + (run.onGpus() ? "GPU-hours" : "CPU-hours"), Charts.COST_FILE);
    }
    doc.heading(2, "Resources");
    resources(doc, run);
    if (Clusters.routed(List.of(run))) {
      doc.para("Cost per cluster (GPU-hours, or CPU-hours where none of its trials had a GPU):");
      Clusters.write(doc, List.of(run));
    }
    doc.heading(2, "Failures");
    failures(doc, run);
    notes(doc, run);
    return doc;
  }

  /** One table per task: every trial of the runs, best first, with its gate and result. */
  public static void leaderboards(Doc doc, List<RunReport> runs, @Nullable RunReport baseline) {
    boolean several = runs.size() > 1;
    boolean routed = Clusters.routed(runs);
    Map<String, Map<String, Integer>> stoppedAt = new java.util.HashMap<>();
    runs.forEach(r -> stoppedAt.put(r.runId(), EarlyStops.stoppedAt(r.earlyStop())));
    for (Map.Entry<String, List<Leaderboard.Row>> task : Leaderboard.rank(runs).entrySet()) {
      TrialResult before = baseline == null ? null : baseline.best(task.getKey());
      List<String> header = new ArrayList<>(List.of("rank"));
      if (several) {
        header.add("run");
      }
      header.add("trial");
      if (routed) {
        header.add("cluster");
      }
      header.addAll(List.of("metric", "gate", "result"));
      if (baseline != null) {
        header.add("change vs baseline");
      }
      header.addAll(List.of("cost (h)", "elapsed"));
      List<List<String>> rows = new ArrayList<>();
      for (Leaderboard.Row row : task.getValue()) {
        TrialResult t = row.trial();
        List<String> cells = new ArrayList<>(List.of(Integer.toString(row.rank())));
        if (several) {
          cells.add(row.runId());
        }
        cells.add(row.label());
        if (routed) {
          cells.add(Clusters.of(t));
        }
        cells.add(
            t.gateMetric() == null ? "-" : t.gateMetric() + " = " + Format.metric(t.headline()));
        cells.add(Format.orDash(t.gate()));
        cells.add(
            t.stopped()
                ? EarlyStops.stoppedLabel(
                    stoppedAt.getOrDefault(row.runId(), Map.of()).get(t.trialId()))
                : result(t));
        if (baseline != null) {
          Deltas.Delta d =
              new Deltas.Delta(
                  t.task(),
                  t.gateMetric(),
                  before == null ? null : before.headline(),
                  t.headline(),
                  t.higherIsBetter());
          cells.add(Format.change(d.diff(), d.relative()));
        }
        cells.add(Format.hours(t.cost()));
        cells.add(Format.duration(t.elapsedS()));
        rows.add(cells);
      }
      doc.heading(3, task.getKey());
      doc.table(header, rows);
    }
  }

  /** The metrics of each task against the baseline's, then the parameters that changed. */
  public static void deltas(Doc doc, RunReport run, RunReport baseline) {
    List<List<String>> rows = new ArrayList<>();
    for (Deltas.Delta d : Deltas.metrics(run, baseline)) {
      rows.add(
          List.of(
              d.task(),
              d.metric(),
              Format.metric(d.baseline()),
              Format.metric(d.current()),
              Format.change(d.diff(), d.relative()),
              d.diff() == null ? "-" : Format.verdict(d.better())));
    }
    Double then = baseline.cost();
    Double now = run.cost();
    rows.add(
        List.of(
            "all",
            run.onGpus() ? "GPU-hours" : "CPU-hours",
            Format.hours(then),
            Format.hours(now),
            then == null || now == null
                ? "-"
                : Format.change(now - then, then == 0 ? null : (now - then) / then),
            "-"));
    doc.table(List.of("task", "metric", baseline.runId(), run.runId(), "change", ""), rows);
    List<Pairs.Pair> pairs = Pairs.of(run, baseline);
    if (!pairs.isEmpty()) {
      List<List<String>> pairRows = new ArrayList<>();
      for (Pairs.Pair p : pairs) {
        pairRows.add(
            List.of(
                p.task(),
                p.label(),
                p.stoppedBefore() ? "stopped early" : MatrixDoc.summary(p.before(), 1),
                p.stoppedAfter() ? "stopped early" : MatrixDoc.summary(p.after(), 1),
                Format.change(p.diff(), null),
                p.verdict()));
      }
      doc.para(
          "Trials paired by their values (a changed list pairs value for value), repetitions"
              + " summarised:");
      doc.table(
          List.of("task", "trial", baseline.runId(), run.runId(), "change", "verdict"), pairRows);
    }
    List<Deltas.ParamChange> changes = Deltas.params(run, baseline);
    if (changes.isEmpty()) {
      doc.para("Parameters: none changed.");
    } else {
      List<List<String>> params = new ArrayList<>();
      changes.forEach(
          c -> params.add(List.of(c.key(), Format.orDash(c.before()), Format.orDash(c.after()))));
      doc.para("Parameters changed:");
      doc.table(List.of("parameter", "baseline", "this run"), params);
    }
  }

  private static void resources(Doc doc, RunReport run) {
    boolean routed = Clusters.routed(List.of(run));
    List<List<String>> rows = new ArrayList<>();
    for (TrialResult t : run.trials()) {
      List<String> row = new ArrayList<>(List.of(t.trialId()));
      if (routed) {
        row.add(Clusters.of(t));
      }
      row.addAll(
          List.of(
              t.state(),
              Format.duration(t.elapsedS()),
              Format.orDash(t.cpus()),
              Format.orDash(t.gpus()),
              Format.hours(t.gpuHours()),
              Format.hours(t.cpuHours()),
              t.maxRssMb() == null ? "-" : t.maxRssMb() + " MiB"));
      rows.add(row);
    }
    List<String> header = new ArrayList<>(List.of("trial"));
    if (routed) {
      header.add("cluster");
    }
    header.addAll(
        List.of("state", "elapsed", "CPUs", "GPUs", "GPU-hours", "CPU-hours", "peak memory"));
    doc.table(header, rows);
  }

  private static void failures(Doc doc, RunReport run) {
    boolean any = false;
    for (TrialResult t : run.trials()) {
      // a trial early stopping stopped did not fail: the early stopping section lists it
      if (t.stopped() || (t.completed() && !Boolean.FALSE.equals(t.passed()))) {
        continue;
      }
      any = true;
      doc.heading(3, t.trialId());
      doc.para(
          t.completed()
              ? "Completed but missed its quality gate "
                  + t.gate()
                  + ": "
                  + t.gateMetric()
                  + " = "
                  + Format.metric(t.headline())
                  + "."
              : "Ended " + t.state() + ".");
      if (t.errTail() != null && !t.errTail().isBlank()) {
        doc.para("Last lines of its err file:");
        doc.code(t.errTail());
      }
    }
    if (!any) {
      doc.para(
          run.stopped() == 0
              ? "None: every trial completed and met its quality gate."
              : "None: every trial that ran to the end completed and met its quality gate; "
                  + run.stopped()
                  + " stopped early (see Early stopping).");
    }
  }

  /** What completed trials said beside their metrics: a missing plot and why, data caveats. */
  private static void notes(Doc doc, RunReport run) {
    List<TrialResult> noted =
        run.trials().stream().filter(t -> t.notes() != null && !t.notes().isBlank()).toList();
    if (noted.isEmpty()) {
      return;
    }
    doc.heading(2, "Notes");
    for (TrialResult t : noted) {
      String notes = Objects.requireNonNull(t.notes(), "only trials with notes are listed");
      doc.para(t.trialId() + ": " + notes.replaceFirst("^notes: ", ""));
    }
  }

  static String result(TrialResult t) {
    if (t.stopped()) {
      return EarlyStops.stoppedLabel(null);
    }
    if (!t.completed()) {
      return t.state();
    }
    return t.passed() == null ? "-" : t.passed() ? "pass" : "FAIL";
  }
}
