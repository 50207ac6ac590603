package dev.cairn.report;

import dev.cairn.model.EarlyStopRecord;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.LegendItemCollection;
import org.jfree.chart.annotations.XYTitleAnnotation;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.jspecify.annotations.Nullable;

/**
 * The report's charts, drawn headless with JFreeChart as small PNGs (640 x 400): each task's
 * learning curves, each task's headline metric against what it cost, and with early stopping each
 * task's rungs.
 */
public final class Charts {
  static final int WIDTH = 640;
  static final int HEIGHT = 400;
  private static final Color[] PALETTE = {
    new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0xd62728),
    new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f)
  };

  static {
    System.setProperty("java.awt.headless", "true");
  }

  private Charts() {}

  /** The file name of a task's learning-curve chart. */
  public static String curvesFile(String task) {
    return Reports.safeName("curves-" + task + ".png");
  }

  public static final String COST_FILE = "cost.png";

  /** The file name of a task's rung chart (runs with early stopping). */
  public static String rungsFile(String task) {
    return Reports.safeName("rungs-" + task + ".png");
  }

  /** Every chart of the report by file name; a task without a logged curve has no curve chart. */
  public static Map<String, byte[]> draw(RunReport run, @Nullable RunReport baseline) {
    Map<String, byte[]> charts = new LinkedHashMap<>();
    for (String task : run.tasks()) {
      JFreeChart chart = curves(task, run, baseline);
      if (chart != null) {
        charts.put(curvesFile(task), png(chart));
      }
    }
    charts.put(COST_FILE, png(cost(run, baseline)));
    EarlyStopRecord early = run.earlyStop();
    if (early != null) {
      for (EarlyStopRecord.Rule rule : early.rules()) {
        JFreeChart chart = rungs(rule, run, early);
        if (chart != null) {
          charts.put(rungsFile(rule.task()), png(chart));
        }
      }
    }
    return charts;
  }

  /**
   * The metric early stopping compared, by epoch, for each trial of the task: the trials that ran
   * to the end solid, the stopped ones dashed and ending at the rung that stopped them, each rung a
   * vertical line. Null when no trial of the task logged the metric.
   */
  static @Nullable JFreeChart rungs(EarlyStopRecord.Rule rule, RunReport run, EarlyStopRecord rec) {
    Map<String, Integer> stoppedAt = EarlyStops.stoppedAt(rec);
    Map<String, String> labels = new LinkedHashMap<>();
    for (Leaderboard.Row row :
        Leaderboard.rank(List.of(run)).getOrDefault(rule.task(), List.of())) {
      labels.put(row.trial().trialId(), row.label());
    }
    XYSeriesCollection data = new XYSeriesCollection();
    List<Boolean> stopped = new ArrayList<>();
    for (TrialResult t : run.trials()) {
      if (!t.task().equals(rule.task())) {
        continue;
      }
      Integer rung = stoppedAt.get(t.trialId());
      // a stopped trial may log an epoch past its rung before its job ends: the chart ends it there
      List<EpochRow> curve =
          rung == null ? t.curve() : t.curve().stream().filter(r -> r.epoch() <= rung).toList();
      String key =
          labels.getOrDefault(t.trialId(), t.trialId())
              + (rung == null ? "" : " (stopped at " + rung + ")");
      int before = data.getSeriesCount();
      add(data, key, curve, rule.metric());
      if (data.getSeriesCount() > before) {
        stopped.add(rung != null);
      }
    }
    if (data.getSeriesCount() == 0) {
      return null;
    }
    XYPlot plot = new XYPlot();
    NumberAxis epochs = new NumberAxis("epoch");
    epochs.setAutoRangeIncludesZero(false);
    epochs.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
    plot.setDomainAxis(epochs);
    NumberAxis value = new NumberAxis(rule.metric());
    value.setAutoRangeIncludesZero(false);
    plot.setRangeAxis(value);
    plot.setDataset(data);
    XYLineAndShapeRenderer r = lines(data.getSeriesCount(), false);
    for (int i = 0; i < stopped.size(); i++) {
      if (stopped.get(i)) {
        r.setSeriesStroke(
            i,
            new BasicStroke(
                1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {4f, 3f}, 0f));
      }
    }
    plot.setRenderer(r);
    int lastRung = rule.rungs().stream().mapToInt(Integer::intValue).max().orElse(0);
    for (int rung : rule.rungs()) {
      ValueMarker marker = new ValueMarker(rung);
      marker.setPaint(PALETTE[7]);
      marker.setStroke(new BasicStroke(1f));
      marker.setLabel("rung " + rung);
      marker.setLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 9));
      // the label right of its line, but left of the last one, which is the chart's right edge
      marker.setLabelAnchor(
          rung == lastRung ? RectangleAnchor.TOP_LEFT : RectangleAnchor.TOP_RIGHT);
      marker.setLabelTextAnchor(rung == lastRung ? TextAnchor.TOP_RIGHT : TextAnchor.TOP_LEFT);
      plot.addDomainMarker(marker);
    }
    return styled(
        new JFreeChart(null, JFreeChart.DEFAULT_TITLE_FONT, plot, true),
        "Rungs: "
            + rule.task()
            + " ("
            + rule.metric()
            + "; dashed: stopped, "
            + stopped.stream().filter(b -> b).count()
            + " of "
            + data.getSeriesCount()
            + ")");
  }

  /**
   * Validation metric (left axis, solid) and training loss (right axis, dashed) per epoch of each
   * trial.
   */
  static @Nullable JFreeChart curves(String task, RunReport run, @Nullable RunReport baseline) {
    XYSeriesCollection metric = new XYSeriesCollection();
    XYSeriesCollection loss = new XYSeriesCollection();
    String metricName = null;
    for (RunReport r : baseline == null ? List.of(run) : List.of(run, baseline)) {
      List<Leaderboard.Row> rows = Leaderboard.rank(List.of(r)).getOrDefault(task, List.of());
      for (Leaderboard.Row row : rows) {
        List<EpochRow> curve = row.trial().curve();
        String name = Curves.validationOf(row.trial().gateMetric(), curve);
        metricName = metricName == null ? name : metricName;
        String label = (r == run ? "" : "baseline ") + row.label();
        add(metric, label + " " + metricName, curve, metricName);
        add(loss, label + " train/loss", curve, "train/loss");
      }
    }
    if (metric.getSeriesCount() == 0 && loss.getSeriesCount() == 0) {
      return null;
    }
    XYPlot plot = new XYPlot();
    NumberAxis epochs = new NumberAxis("epoch");
    epochs.setAutoRangeIncludesZero(false);
    epochs.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
    plot.setDomainAxis(epochs);
    NumberAxis left = new NumberAxis(metricName == null ? "metric" : metricName);
    left.setAutoRangeIncludesZero(false);
    plot.setRangeAxis(0, left);
    plot.setDataset(0, metric);
    plot.setRenderer(0, lines(metric.getSeriesCount(), false));
    NumberAxis right = new NumberAxis("train/loss");
    right.setAutoRangeIncludesZero(false);
    plot.setRangeAxis(1, right);
    plot.setDataset(1, loss);
    plot.mapDatasetToRangeAxis(1, 1);
    XYLineAndShapeRenderer dashed = lines(loss.getSeriesCount(), true);
    for (int i = 0; i < loss.getSeriesCount(); i++) {
      // a trial's loss in its metric's colour, named once in the legend
      String key = loss.getSeriesKey(i).toString().replace(" train/loss", " " + metricName);
      int j = metric.getSeriesIndex(key);
      if (j >= 0) {
        dashed.setSeriesPaint(i, PALETTE[j % PALETTE.length]);
        dashed.setSeriesVisibleInLegend(i, false);
      }
    }
    plot.setRenderer(1, dashed);
    return styled(
        new JFreeChart(null, JFreeChart.DEFAULT_TITLE_FONT, plot, true),
        "Learning curves: " + task + " (solid " + metricName + ", dashed train/loss)");
  }

  /**
   * Each task's headline metric (its own axis) against GPU-hours per trial, or CPU-hours where no
   * trial had a GPU: one point per configuration (the mean over its repetitions), labelled by the
   * values that set it apart, this run's and the baseline's, and the Pareto front (no other point
   * both cheaper and better) drawn through them.
   */
  static JFreeChart cost(RunReport run, @Nullable RunReport baseline) {
    boolean gpu = run.onGpus() || (baseline != null && baseline.onGpus());
    NumberAxis cost = new NumberAxis((gpu ? "GPU-hours" : "CPU-hours (no GPUs)") + " per trial");
    cost.setNumberFormatOverride(
        new DecimalFormat("0.####", DecimalFormatSymbols.getInstance(Locale.ROOT)));
    // room on the right for the labels of the costliest points
    cost.setUpperMargin(0.3);
    CombinedDomainXYPlot combined = new CombinedDomainXYPlot(cost);
    combined.setGap(8);
    LegendItemCollection legend = new LegendItemCollection();
    List<CostPoints.Point> ours = CostPoints.of(run, gpu);
    List<CostPoints.Point> theirs = baseline == null ? List.of() : CostPoints.of(baseline, gpu);
    for (String task : run.tasks()) {
      XYSeriesCollection data = new XYSeriesCollection();
      List<List<String>> labels = new ArrayList<>();
      String metric = null;
      List<CostPoints.Point> all = new ArrayList<>();
      for (int s = 0; s < 2; s++) {
        List<CostPoints.Point> points = s == 0 ? ours : theirs;
        XYSeries series = new XYSeries(s == 0 ? "this run" : "baseline", false, true);
        List<String> names = new ArrayList<>();
        for (CostPoints.Point p : points) {
          if (p.task().equals(task)) {
            series.add(p.cost(), p.value());
            names.add(((s == 0 ? "" : "baseline ") + p.label()).strip());
            metric = metric == null ? p.metric() : metric;
            all.add(p);
          }
        }
        data.addSeries(series);
        labels.add(names);
      }
      XYSeries front = new XYSeries("Pareto front", false, true);
      for (CostPoints.Point p : CostPoints.front(all)) {
        front.add(p.cost(), p.value());
      }
      data.addSeries(front);
      labels.add(List.of());
      NumberAxis value = new NumberAxis(metric == null ? "metric" : metric);
      value.setAutoRangeIncludesZero(false);
      value.setNumberFormatOverride(
          new DecimalFormat("0.####", DecimalFormatSymbols.getInstance(Locale.ROOT)));
      if (!all.isEmpty()) {
        double lo = all.stream().mapToDouble(CostPoints.Point::value).min().getAsDouble();
        double hi = all.stream().mapToDouble(CostPoints.Point::value).max().getAsDouble();
        // one value alone gives no range to draw: show it in the middle of a small one; room above
        // for the labels
        double pad = Math.max((hi - lo) * 0.25, Math.max(Math.abs(hi) * 0.05, 0.01));
        value.setRange(lo - pad * 0.6, hi + pad);
      }
      value.setLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 10));
      XYLineAndShapeRenderer points = new XYLineAndShapeRenderer(false, true);
      points.setAutoPopulateSeriesShape(false);
      points.setSeriesPaint(0, PALETTE[0]);
      points.setSeriesShape(0, new Rectangle2D.Double(-4, -4, 8, 8));
      points.setSeriesPaint(1, PALETTE[7]);
      points.setSeriesShape(1, new Ellipse2D.Double(-4, -4, 8, 8));
      points.setSeriesPaint(2, PALETTE[3]);
      points.setSeriesLinesVisible(2, true);
      points.setSeriesShapesVisible(2, false);
      points.setSeriesStroke(
          2,
          new BasicStroke(
              1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {5f, 3f}, 0f));
      points.setDefaultItemLabelGenerator(
          (dataset, series, item) ->
              series < labels.size() && item < labels.get(series).size()
                  ? labels.get(series).get(item)
                  : null);
      points.setDefaultItemLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 9));
      points.setDefaultItemLabelsVisible(true);
      XYPlot plot = new XYPlot(data, null, value, points);
      plot.setBackgroundPaint(new Color(0xfafafa));
      TextTitle name = new TextTitle(task, new Font(Font.SANS_SERIF, Font.BOLD, 11));
      plot.addAnnotation(new XYTitleAnnotation(0.01, 0.98, name, RectangleAnchor.TOP_LEFT));
      combined.add(plot);
      if (legend.getItemCount() == 0) {
        LegendItemCollection items = plot.getLegendItems();
        for (int i = 0; i < items.getItemCount(); i++) {
          if (baseline != null || !"baseline".equals(items.get(i).getLabel())) {
            legend.add(items.get(i));
          }
        }
      }
    }
    combined.setFixedLegendItems(legend);
    return styled(
        new JFreeChart(null, JFreeChart.DEFAULT_TITLE_FONT, combined, true),
        "Headline metric against " + (gpu ? "GPU-hours" : "CPU-hours") + ", Pareto front");
  }

  private static void add(
      XYSeriesCollection data, String key, List<EpochRow> curve, @Nullable String name) {
    if (name == null) {
      return;
    }
    XYSeries series = new XYSeries(key, true, false);
    for (EpochRow row : curve) {
      Double v = row.values().get(name);
      if (v != null) {
        series.add(row.epoch(), v);
      }
    }
    if (series.getItemCount() > 0 && data.getSeriesIndex(key) < 0) {
      data.addSeries(series);
    }
  }

  private static XYLineAndShapeRenderer lines(int count, boolean dashed) {
    XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, true);
    for (int i = 0; i < count; i++) {
      r.setSeriesPaint(i, PALETTE[i % PALETTE.length]);
      r.setSeriesStroke(
          i,
          dashed
              ? new BasicStroke(
                  1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f)
              : new BasicStroke(2f));
    }
    return r;
  }

  private static JFreeChart styled(JFreeChart chart, String title) {
    chart.setTitle(new TextTitle(title, new Font(Font.SANS_SERIF, Font.BOLD, 14)));
    chart.setBackgroundPaint(Color.WHITE);
    if (!(chart.getPlot() instanceof CombinedDomainXYPlot)) {
      chart.getPlot().setBackgroundPaint(new Color(0xfafafa));
    }
    chart.setAntiAlias(true);
    chart.setTextAntiAlias(true);
    return chart;
  }

  private static byte[] png(JFreeChart chart) {
    try {
      BufferedImage image =
          chart.createBufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB, null);
      return ChartUtils.encodeAsPNG(image);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
