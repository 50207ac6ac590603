package dev.cairn.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The points of the cost chart: per task and configuration, the mean headline metric of its
 * repetitions against their mean cost per trial; and the Pareto front among them.
 */
final class CostPoints {
  private CostPoints() {}

  /** One configuration of one task. */
  record Point(
      String task,
      String metric,
      boolean higherIsBetter,
      String label,
      double cost,
      double value) {}

  /** The run's points, labelled by the values that set its configurations apart. */
  static List<Point> of(RunReport run, boolean gpu) {
    Matrix m = Matrix.of(List.of(run));
    List<Point> points = new ArrayList<>();
    for (Matrix.Row row : m.rows()) {
      String label = String.join(" ", row.values().values());
      for (Matrix.Column col : m.columns()) {
        Stats.Summary s = row.cell(col.task()).summary();
        double sum = 0;
        int n = 0;
        for (TrialResult t : row.trials()) {
          Double c = gpu ? t.gpuHours() : t.cpuHours();
          // a stopped trial's cost is not what a finished one of its configuration costs
          if (t.task().equals(col.task()) && c != null && !t.stopped()) {
            sum += c;
            n++;
          }
        }
        if (s != null && n > 0) {
          points.add(
              new Point(col.task(), col.metric(), col.higherIsBetter(), label, sum / n, s.mean()));
        }
      }
    }
    return points;
  }

  /** The points no other beats on both cost and value, cheapest first. */
  static List<Point> front(List<Point> points) {
    List<Point> sorted = new ArrayList<>(points);
    sorted.sort(Comparator.comparingDouble(Point::cost));
    List<Point> front = new ArrayList<>();
    for (Point p : sorted) {
      boolean better =
          front.isEmpty()
              || (p.higherIsBetter()
                  ? p.value() > front.get(front.size() - 1).value()
                  : p.value() < front.get(front.size() - 1).value());
      if (better) {
        front.add(p);
      }
    }
    return front;
  }
}
