package dev.cairn.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.LegendItemCollection;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.XYPlot;
import org.junit.jupiter.api.Test;

/** The cost chart: configurations labelled, the Pareto front marked, the legend below the plots. */
class ChartsTest {
  @Test
  void front_keepsOnlyPointsNoOtherBeatsOnCostAndValue() {
    List<CostPoints.Point> points =
        List.of(
            new CostPoints.Point("t", "m", true, "big", 2.0, 0.9),
            new CostPoints.Point("t", "m", true, "small", 1.0, 0.8),
            new CostPoints.Point("t", "m", true, "slow", 3.0, 0.85),
            new CostPoints.Point("t", "m", true, "cheap-bad", 0.5, 0.7));
    assertEquals(
        List.of("cheap-bad", "small", "big"),
        CostPoints.front(points).stream().map(CostPoints.Point::label).toList());
    List<CostPoints.Point> rmse =
        List.of(
            new CostPoints.Point("t", "m", false, "a", 1.0, 40.0),
            new CostPoints.Point("t", "m", false, "b", 2.0, 45.0),
            new CostPoints.Point("t", "m", false, "c", 3.0, 30.0));
    assertEquals(
        List.of("a", "c"), CostPoints.front(rmse).stream().map(CostPoints.Point::label).toList());
  }

  @Test
  void cost_labelsEachConfiguration_andMarksTheParetoFront() {
    RunReport run = MatrixTest.sweep();
    JFreeChart chart = Charts.cost(run, null);
    assertTrue(chart.getTitle().getText().contains("CPU-hours, Pareto front"));
    CombinedDomainXYPlot combined = (CombinedDomainXYPlot) chart.getPlot();
    LegendItemCollection legend = combined.getFixedLegendItems();
    List<String> names = new ArrayList<>();
    for (int i = 0; i < legend.getItemCount(); i++) {
      names.add(legend.get(i).getLabel());
    }
    assertEquals(List.of("this run", "Pareto front"), names, "no baseline, no baseline entry");
    XYPlot crop = combined.getSubplots().get(0);
    var labels = crop.getRenderer().getDefaultItemLabelGenerator();
    assertEquals("prithvi_eo_v2_300", labels.generateLabel(crop.getDataset(), 0, 0));
    assertEquals("prithvi_eo_v2_600", labels.generateLabel(crop.getDataset(), 0, 1));
    assertEquals(2, crop.getDataset().getItemCount(2), "both on the crop task's front");
    assertEquals(
        org.jfree.chart.ui.RectangleEdge.BOTTOM, chart.getLegend().getPosition(), "outside");
  }
}
