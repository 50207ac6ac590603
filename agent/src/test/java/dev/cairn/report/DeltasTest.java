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
}
