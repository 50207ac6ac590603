package dev.cairn.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The model x task matrix: seeds are repetitions, a win needs separate intervals. */
class MatrixTest {
  static TrialResult trial(String task, String model, String seed, double value, boolean higher) {
    Map<String, String> params = new LinkedHashMap<>();
    params.put("GEOFM", model);
    params.put("LEARNING_RATE", "1e-4");
    params.put("SEED", seed);
    String metric = higher ? "test/mIoU" : "test/RMSE";
    return TrialResult.builder(task + "-" + model + "-s" + seed, task, "COMPLETED")
        .params(params)
        .metrics(Map.of(metric, value))
        .gate(metric + (higher ? ">=0.3" : "<=50"))
        .gateMetric(metric)
        .higherIsBetter(higher)
        .passed(true)
        .elapsedS(model.endsWith("600") ? 240L : 120L)
        .gpus(0)
        .cpus(4)
        .maxRssMb(model.endsWith("600") ? 900L : 500L)
        .build();
  }

  /** 2 backbones x 3 seeds x 2 tasks: the 600M clearly ahead on crops, level on biomass. */
  static RunReport sweep() {
    List<TrialResult> trials = new ArrayList<>();
    double[] crop300 = {0.80, 0.81, 0.82};
    double[] crop600 = {0.90, 0.91, 0.92};
    double[] bio300 = {30.0, 34.0, 32.0};
    double[] bio600 = {31.0, 29.0, 35.0};
    String[] seeds = {"1", "2", "3"};
    for (int i = 0; i < 3; i++) {
      trials.add(trial("crop_classification", "prithvi_eo_v2_300", seeds[i], crop300[i], true));
      trials.add(trial("crop_classification", "prithvi_eo_v2_600", seeds[i], crop600[i], true));
    }
    for (int i = 0; i < 3; i++) {
      trials.add(trial("biomass", "prithvi_eo_v2_300", seeds[i], bio300[i], false));
      trials.add(trial("biomass", "prithvi_eo_v2_600", seeds[i], bio600[i], false));
    }
    return new RunReport(
        "run-a", "aaaa", null, "main", "SUCCEEDED", null, null, null, null, trials);
  }

  @Test
  void of_groupsSeedsIntoOneRowPerBackbone_withMeanSdAndN() {
    Matrix m = Matrix.of(List.of(sweep()));
    assertEquals(List.of("GEOFM"), m.keys(), "LEARNING_RATE is the same, SEED a repetition");
    assertEquals(2, m.rows().size());
    Matrix.Row r600 = m.rows().get(1);
    assertEquals("prithvi_eo_v2_600", r600.values().get("GEOFM"));
    Stats.Summary crop = r600.cells().get("crop_classification").summary();
    assertEquals(0.91, crop.mean(), 1e-12);
    assertEquals(3, crop.n());
    assertEquals(0.01, crop.sd(), 1e-12);
    assertFalse(m.onGpus());
    assertEquals(6 * 240 * 4 / 3600.0, r600.cost(false), 1e-9, "CPU-hours where no GPU ran");
    assertEquals(900L, r600.peakMemoryMb());
  }

  @Test
  void verdict_winsOnlyWhereIntervalsSeparate() {
    Matrix m = Matrix.of(List.of(sweep()));
    Matrix.Verdict crop = m.verdict(m.columns().get(0));
    assertEquals("prithvi_eo_v2_600", crop.best().values().get("GEOFM"));
    assertTrue(crop.win());
    Matrix.Verdict bio = m.verdict(m.columns().get(1));
    assertEquals("biomass", bio.task());
    assertEquals("prithvi_eo_v2_600", bio.best().values().get("GEOFM"), "RMSE 31.67 below 32.0");
    assertFalse(bio.win(), "a lead inside the seeds' noise is within noise");
    assertNotNull(m.scoreVerdict());
  }

  @Test
  void doc_showsTheMatrixWithIntervalsAndVerdicts() {
    Doc doc = new Doc();
    MatrixDoc.write(doc, Matrix.of(List.of(sweep())));
    String text = TextWriter.write(doc);
    assertTrue(text.contains("*0.9100 ± 0.0100 ["), text);
    assertTrue(text.contains("n=3"), text);
    assertTrue(
        text.contains(
            "crop_classification (test/mIoU): GEOFM=prithvi_eo_v2_600 wins over"
                + " GEOFM=prithvi_eo_v2_300 (95 % intervals separate)."),
        text);
    assertTrue(text.contains("but within noise (95 % intervals overlap)."), text);
    assertTrue(text.contains("score (IQM)"), text);
    assertTrue(text.contains("CPU-hours"), text);
  }
}
