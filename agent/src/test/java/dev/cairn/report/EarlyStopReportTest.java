package dev.cairn.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.Json;
import dev.cairn.model.EarlyStopRecord;
import dev.cairn.model.RungDecision;
import dev.cairn.model.Verdict;
import dev.cairn.testing.EarlyStopSweep;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.XYPlot;
import org.jfree.data.xy.XYDataset;
import org.junit.jupiter.api.Test;

/**
 * The report of a run with early stopping: nine trials, six stopped at rung 1, two at rung 3, one
 * ran its nine epochs ({@link EarlyStopSweep}).
 */
class EarlyStopReportTest {
  private static final RunReport RUN = EarlyStopSweep.report("20261207-asha-e5e5e5e5");

  private static String md(RunReport run) {
    return new String(Reports.files(run, null).get(Reports.MARKDOWN), StandardCharsets.UTF_8);
  }

  @Test
  void markdown_showsTheRule_everyDecisionByRung_andTheHoursAgainstTheFullGrid() {
    String md = md(RUN);
    assertTrue(md.contains("\n## Early stopping\n"), md);
    assertTrue(md.contains("First rung after 1 epoch(s), eta = 3."), md);
    assertTrue(md.contains("| crop_classification | val/mIoU | higher is better | 1, 3, 9 |"), md);
    assertTrue(
        md.contains(
            "8 of 9 trial(s) stopped early; 29 of 81 epochs trained (35.8 %); 0.4833 GPU-hours"
                + " spent against 1.3500 estimated for the full grid (35.8 %), 0.8667 saved."),
        md);
    assertTrue(md.contains("| full grid (estimate) | 1.3500 | 81 |"), md);
    assertTrue(
        md.contains(
            "| rung (epoch) | trial | val/mIoU | cut-off | reached | decision |\n"
                + "| --- | --- | --- | --- | --- | --- |\n"
                + "| 1 | crop_classification-lr1e-4 | 0.3200 | 0.5000 | 9 | stopped |"),
        md);
    assertTrue(md.contains("| 1 | crop_classification-lr7e-4 | 0.5000 | 0.5000 | 9 | went on |"));
    assertTrue(md.contains("| 3 | crop_classification-lr8e-4 | 0.5700 | 0.6000 | 3 | stopped |"));
    assertTrue(md.contains("| 3 | crop_classification-lr9e-4 | 0.6000 | 0.6000 | 3 | went on |"));
    String section =
        md.substring(md.indexOf("## Early stopping"), md.indexOf("## Metrics and cost"));
    assertEquals(
        9 + 3, count(section, "\n| 1 | ") + count(section, "\n| 3 | "), "one row per decision");
    assertTrue(md.contains("](charts/rungs-crop_classification.png)"), md);
  }

  @Test
  void leaderboard_listsTheStoppedTrialsLast_asStoppedAtTheirRung_neverAsFailures() {
    String md = md(RUN);
    String board = md.substring(md.indexOf("## Leaderboard"), md.indexOf("## Learning curves"));
    assertTrue(
        board.contains("| 1 | LEARNING_RATE=9e-4 | test/mIoU = 0.6200 | test/mIoU\\>=0.5 | pass |"),
        board);
    assertTrue(
        board.contains(
            "| LEARNING_RATE=8e-4 | test/mIoU = - | test/mIoU\\>=0.5 | stopped at epoch 3 |"),
        board);
    assertTrue(
        board.contains(
            "| LEARNING_RATE=1e-4 | test/mIoU = - | test/mIoU\\>=0.5 | stopped at epoch 1 |"),
        board);
    assertFalse(board.contains("FAIL"), board);
    assertFalse(board.contains("| STOPPED |"), board);
    String failures = md.substring(md.indexOf("## Failures"));
    assertTrue(
        failures.contains(
            "None: every trial that ran to the end completed and met its quality gate; 8 stopped"
                + " early (see Early stopping)."),
        failures);
    assertEquals(EarlyStopSweep.WINNER, RUN.best(EarlyStopSweep.TASK).trialId());
  }

  @Test
  void best_isNeverAStoppedTrial_evenOneThatReportedABetterValue() {
    List<TrialResult> trials = new ArrayList<>(RUN.trials());
    TrialResult stopped = trials.get(0);
    Map<String, Double> metrics = new LinkedHashMap<>(stopped.metrics());
    metrics.put("test/mIoU", 0.99);
    trials.set(0, withMetrics(stopped, metrics));
    RunReport run =
        new RunReport(
            RUN.runId(),
            null,
            null,
            null,
            "SUCCEEDED",
            null,
            null,
            null,
            null,
            trials,
            RUN.earlyStop());
    assertEquals(EarlyStopSweep.WINNER, run.best(EarlyStopSweep.TASK).trialId());
    List<Leaderboard.Row> rows = Leaderboard.rank(List.of(run)).get(EarlyStopSweep.TASK);
    assertEquals(EarlyStopSweep.WINNER, rows.get(0).trial().trialId());
    assertTrue(rows.get(rows.size() - 1).trial().stopped(), "stopped trials rank last");
  }

  @Test
  void html_holdsTheSectionEscaped_andInlinesTheRungChart() {
    Map<String, byte[]> files = Reports.files(RUN, null);
    String html = new String(files.get(Reports.HTML), StandardCharsets.UTF_8);
    assertTrue(html.contains("<h2>Early stopping</h2>"), html);
    assertTrue(
        html.contains(
            "<td>1</td><td>crop_classification-lr1e-4</td><td>0.3200</td><td>0.5000</td>"
                + "<td>9</td><td>stopped</td>"),
        html);
    assertTrue(html.contains("<th>GPU-hours</th>"), html);
    assertEquals(
        files.keySet().stream().filter(n -> n.startsWith(Reports.CHARTS)).count(),
        html.split("src=\"data:image/png;base64,", -1).length - 1,
        "every chart inlined, the rung chart too");
  }

  @Test
  void rungChart_isASmallPng_stoppedTrialsEndAtTheirRung_everyRungMarked() throws Exception {
    Map<String, byte[]> files = Reports.files(RUN, null);
    byte[] png = files.get("charts/rungs-crop_classification.png");
    assertNotNull(png, files.keySet().toString());
    BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
    assertEquals(Charts.WIDTH, image.getWidth());
    assertEquals(Charts.HEIGHT, image.getHeight());
    JFreeChart chart = Charts.rungs(RUN.earlyStop().rules().get(0), RUN, RUN.earlyStop());
    XYPlot plot = chart.getXYPlot();
    XYDataset data = plot.getDataset();
    assertEquals(9, data.getSeriesCount());
    Map<String, Integer> lastEpoch = new LinkedHashMap<>();
    for (int s = 0; s < data.getSeriesCount(); s++) {
      int n = data.getItemCount(s);
      lastEpoch.put(data.getSeriesKey(s).toString(), (int) data.getXValue(s, n - 1));
    }
    assertEquals(9, lastEpoch.get("LEARNING_RATE=9e-4"), lastEpoch.toString());
    // each stopped trial logged one epoch past its rung: the chart ends it at the rung
    assertEquals(1, lastEpoch.get("LEARNING_RATE=1e-4 (stopped at 1)"), lastEpoch.toString());
    assertEquals(3, lastEpoch.get("LEARNING_RATE=8e-4 (stopped at 3)"), lastEpoch.toString());
    assertEquals(3, plot.getDomainMarkers(org.jfree.chart.ui.Layer.FOREGROUND).size());
  }

  @Test
  void cpuOnlyTrials_countCpuHours_hoursTimesCpus() {
    RunReport cpu = EarlyStopSweep.report("r", 0, 4);
    EarlyStops.Hours h = EarlyStops.hours(cpu, cpu.earlyStop());
    assertEquals("CPU-hours", h.unit());
    assertEquals(1740.0 / 3600 * 4, h.spent(), 1e-9);
    assertEquals(4860.0 / 3600 * 4, h.fullGrid(), 1e-9);
    String md = md(cpu);
    assertTrue(md.contains("1.9333 CPU-hours spent against 5.4000 estimated"), md);
    RunReport twoGpus = EarlyStopSweep.report("r", 2, 4);
    assertEquals(
        4860.0 / 3600 * 2, EarlyStops.hours(twoGpus, twoGpus.earlyStop()).fullGrid(), 1e-9);
  }

  @Test
  void matrix_aConfigurationWhoseTrialsAllStopped_readsStoppedEarly_notNoResult() {
    String md = md(RUN);
    String matrix = md.substring(md.indexOf("## Model x task"), md.indexOf("## Leaderboard"));
    assertEquals(8, count(matrix, "| stopped early |"), matrix);
    assertFalse(matrix.contains("no result"), matrix);
    Matrix m = Matrix.of(List.of(RUN));
    for (Matrix.Row row : m.rows()) {
      Matrix.Cell cell = row.cell(EarlyStopSweep.TASK);
      assertTrue(cell.summary() == null || cell.summary().n() == 1, "stopped trials count in no n");
    }
  }

  @Test
  void runJson_roundTripsTheRecord_NaNAndMissingValuesIncluded() throws Exception {
    List<RungDecision> decisions = new ArrayList<>(RUN.earlyStop().decisions());
    decisions.add(
        new RungDecision("x", 1, Double.NaN, null, 4, Verdict.STOP, "2026-12-07T10:00:00Z"));
    EarlyStopRecord rec = withDecisions(RUN.earlyStop(), decisions);
    RunReport run = withRecord(RUN, rec);
    byte[] json = runJson(run);
    RunReport back = RunRecords.parse(json, "abc");
    assertEquals(rec, back.earlyStop());
    assertTrue(Double.isNaN(back.earlyStop().decisions().get(12).value()));
    var tree = Json.MAPPER.readTree(json).path("early_stop");
    assertEquals(9, tree.path("trials_stopped").asInt(), "the eight, and x");
    assertEquals("GPU-hours", tree.path("cost_unit").asText());
    assertEquals(1.35, tree.path("full_grid_hours").asDouble(), 1e-9);
    assertEquals(1740.0 / 4860, tree.path("spent_share").asDouble(), 1e-9);
    assertEquals(29.0 / 81, tree.path("epoch_share").asDouble(), 1e-9);
    assertEquals("STOPPED", RunRecords.parse(json, null).trials().get(0).state());
  }

  @Test
  void runJson_withoutEarlyStop_readsAsBefore() throws Exception {
    byte[] old =
        "{\"run_id\": \"r\", \"jobs\": {\"t\": {\"state\": \"COMPLETED\"}}}"
            .getBytes(StandardCharsets.UTF_8);
    RunReport run = RunRecords.parse(old, null);
    assertNull(run.earlyStop());
    assertEquals(1, run.trials().size());
    assertFalse(md(run).contains("Early stopping"));
    String unknown =
        "{\"run_id\": \"r\", \"early_stop\": {\"decisions\": [{\"trial\": \"t\", \"verdict\":"
            + " \"PAUSE\"}]}}";
    assertEquals(
        List.of(),
        RunRecords.parse(unknown.getBytes(StandardCharsets.UTF_8), null).earlyStop().decisions(),
        "a verdict this version does not know is left out");
  }

  static byte[] runJson(RunReport run) throws Exception {
    Map<String, Object> jobs = new LinkedHashMap<>();
    for (TrialResult t : run.trials()) {
      Map<String, Object> job = new LinkedHashMap<>();
      job.put("state", t.state());
      job.put("metrics", t.metrics());
      job.putAll(RunRecords.jobFields(t));
      jobs.put(t.trialId(), job);
    }
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("run_id", run.runId());
    root.put("jobs", jobs);
    root.put("early_stop", RunRecords.earlyStopFields(run, run.earlyStop()));
    return Json.MAPPER.writeValueAsBytes(root);
  }

  private static int count(String text, String part) {
    return text.split(java.util.regex.Pattern.quote(part), -1).length - 1;
  }

  private static EarlyStopRecord withDecisions(EarlyStopRecord r, List<RungDecision> d) {
    return new EarlyStopRecord(
        r.minEpochs(),
        r.reduction(),
        r.rules(),
        d,
        r.epochsPlanned(),
        r.epochsRun(),
        r.secondsSpent(),
        r.secondsSaved());
  }

  private static RunReport withRecord(RunReport r, EarlyStopRecord rec) {
    return new RunReport(
        r.runId(),
        r.configCommit(),
        r.resultsCommit(),
        r.branch(),
        r.state(),
        r.message(),
        r.subject(),
        r.finishedAt(),
        r.baseline(),
        r.trials(),
        rec);
  }

  private static TrialResult withMetrics(TrialResult t, Map<String, Double> metrics) {
    return TrialResult.builder(t.trialId(), t.task(), t.state())
        .params(t.params())
        .metrics(metrics)
        .gate(t.gate())
        .gateMetric(t.gateMetric())
        .higherIsBetter(t.higherIsBetter())
        .passed(t.passed())
        .elapsedS(t.elapsedS())
        .cpuSeconds(t.cpuSeconds())
        .gpus(t.gpus())
        .cpus(t.cpus())
        .maxRssMb(t.maxRssMb())
        .errTail(t.errTail())
        .curve(t.curve())
        .build();
  }
}
