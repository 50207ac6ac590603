package dev.cairn.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;

class DeltasTest {
  @Test
  void metrics_subtractTheBaselineFromTheRun_andJudgeByTheGateDirection() {
    RunReport before = Samples.run("run-a", "aaaa", "5e-3", 0.40, 40.0, "2026-11-25T01:00:00Z");
    RunReport after = Samples.run("run-b", "bbbb", "1e-2", 0.50, 44.0, "2026-11-25T02:00:00Z");
    List<Deltas.Delta> deltas = Deltas.metrics(after, before);
    Deltas.Delta crop =
        deltas.stream()
            .filter(d -> d.task().equals("crop_classification"))
            .findFirst()
            .orElseThrow();
    assertEquals("test/mIoU", crop.metric());
    assertEquals(0.10, crop.diff(), 1e-9);
    assertEquals(0.25, crop.relative(), 1e-9);
    assertEquals(true, crop.better());
    Deltas.Delta bio =
        deltas.stream().filter(d -> d.task().equals("biomass")).findFirst().orElseThrow();
    assertEquals(4.0, bio.diff(), 1e-9);
    assertEquals(false, bio.better(), "a higher RMSE is worse");
  }

  @Test
  void delta_isUnknownWithoutABaselineValue_andSameWhenEqual() {
    assertNull(new Deltas.Delta("t", "test/F1", null, 0.5, true).diff());
    assertNull(new Deltas.Delta("t", "test/F1", null, 0.5, true).better());
    assertNull(new Deltas.Delta("t", "test/F1", 0.5, 0.5, true).better());
    assertNull(new Deltas.Delta("t", "test/F1", 0.0, 0.5, true).relative());
  }

  @Test
  void params_listOnlyWhatChanged() {
    RunReport before = Samples.run("run-a", "aaaa", "5e-3", 0.40, 40.0, null);
    RunReport after = Samples.run("run-b", "bbbb", "1e-2", 0.50, 44.0, null);
    assertEquals(
        List.of(new Deltas.ParamChange("LEARNING_RATE", "5e-3", "1e-2")),
        Deltas.params(after, before));
    assertEquals(List.of(), Deltas.params(after, after));
  }

  @Test
  void params_ofTwoSweeps_listTheSweptKeysValues() {
    RunReport before = sweep("run-a", "1e-4", "3e-4");
    RunReport after = sweep("run-b", "1e-3", "3e-3");
    assertEquals(
        List.of(new Deltas.ParamChange("LEARNING_RATE", "1e-4,3e-4", "1e-3,3e-3")),
        Deltas.params(after, before));
  }

  @Test
  void pairs_matchTrialsValueForValue_andSummariseSeeds() {
    RunReport before = sweep("run-a", "1e-4", "3e-4");
    RunReport after = sweep("run-b", "1e-3", "3e-3");
    List<Pairs.Pair> pairs = Pairs.of(after, before);
    assertEquals(2, pairs.size());
    assertEquals("LEARNING_RATE=1e-4 -> 1e-3", pairs.get(0).label());
    assertEquals(2, pairs.get(0).after().n(), "two seeds each");
    assertEquals(0.1, pairs.get(0).diff(), 1e-9);
    assertEquals("better", pairs.get(0).verdict());
  }

  /** Two learning rates x two seeds of one task; the second list scores 0.1 higher. */
  private static RunReport sweep(String id, String lr1, String lr2) {
    List<TrialResult> trials = new java.util.ArrayList<>();
    double base = id.equals("run-a") ? 0.5 : 0.6;
    int k = 0;
    for (String lr : List.of(lr1, lr2)) {
      for (String seed : List.of("1", "2")) {
        java.util.Map<String, String> p = new java.util.LinkedHashMap<>(Samples.params(lr));
        p.put("SEED", seed);
        double v = base + 0.001 * k++;
        trials.add(
            TrialResult.builder("crop-" + lr + "-" + seed, "crop_classification", "COMPLETED")
                .params(p)
                .metrics(java.util.Map.of("test/mIoU", v))
                .gate("test/mIoU>=0.3")
                .gateMetric("test/mIoU")
                .higherIsBetter(true)
                .passed(true)
                .elapsedS(60L)
                .gpus(0)
                .cpus(1)
                .build());
      }
    }
    return new RunReport(id, id, null, "main", "SUCCEEDED", null, null, null, null, trials);
  }
}
