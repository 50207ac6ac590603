package dev.cairn.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Runs and trials for the report's tests. */
final class Samples {
  private Samples() {}

  static Map<String, String> params(String lr) {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("GEOFM", "prithvi_eo_v2_300");
    p.put("LEARNING_RATE", lr);
    p.put("SEED", "42");
    p.put("EPOCHS", "5");
    return p;
  }

  static List<EpochRow> curve(double start, double step) {
    List<EpochRow> rows = new ArrayList<>();
    for (int e = 1; e <= 5; e++) {
      rows.add(new EpochRow(e, Map.of("train/loss", 1.0 / e, "val/mIoU", start + step * e)));
    }
    return rows;
  }

  static TrialResult trial(
      String id, String task, String lr, String metric, String op, Double value, String state) {
    Map<String, Double> metrics = new LinkedHashMap<>();
    if (value != null) {
      metrics.put(metric, value);
    }
    Boolean passed =
        (!"COMPLETED".equals(state) || value == null)
            ? null
            : op.startsWith(">") ? value >= 0.3 : value <= 50;
    return TrialResult.builder(id, task, state)
        .params(params(lr))
        .metrics(metrics)
        .gate(metric + op + (op.startsWith(">") ? "0.3" : "50"))
        .gateMetric(metric)
        .higherIsBetter(op.startsWith(">"))
        .passed(passed)
        .elapsedS(120L)
        .cpuSeconds(100L)
        .gpus(0)
        .cpus(1)
        .maxRssMb(300L)
        .errTail("COMPLETED".equals(state) ? null : "Traceback\nRuntimeError: out of memory")
        .curve(curve(0.2, 0.1))
        .build();
  }

  static RunReport run(
      String id, String commit, String lr, double miou, double rmse, String finished) {
    return new RunReport(
        id,
        commit,
        null,
        "main",
        "SUCCEEDED",
        "3 of 3 task(s) completed",
        "Try lr " + lr,
        finished,
        null,
        List.of(
            trial(
                "crop_classification",
                "crop_classification",
                lr,
                "test/mIoU",
                ">=",
                miou,
                "COMPLETED"),
            trial("biomass", "biomass", lr, "test/RMSE", "<=", rmse, "COMPLETED")));
  }
}
