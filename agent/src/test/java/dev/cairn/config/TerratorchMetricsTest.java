package dev.cairn.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.terratorch.TerratorchMetrics;
import dev.cairn.testing.Fixtures;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TerratorchMetricsTest {
  private static final TerratorchMetrics METRICS = TerratorchMetrics.bundled();

  private static ExperimentConfig parse(String text) {
    return ExperimentConfig.parse(
        ("EXPERIMENT_NAME=x\nTRAINER=demo\n" + text).getBytes(StandardCharsets.UTF_8),
        "config.env",
        Fixtures.tasks());
  }

  private static String problem(String text) {
    return assertThrows(ConfigError.class, () -> parse(text)).getMessage();
  }

  @Test
  void names_ofBothVersionsMapToTheSameQuantity() {
    assertEquals("test/mIoU", METRICS.canonical("segmentation", "test/Multiclass_Jaccard_Index"));
    assertEquals(
        "val/mIoU_Micro", METRICS.canonical("segmentation", "val/Multiclass_Jaccard_Index_Micro"));
    assertEquals(
        "test/Pixel_Accuracy", METRICS.canonical("segmentation", "test/Multiclass_Accuracy"));
    assertEquals(
        "val/Multiclass_Jaccard_Index", METRICS.inVersion("segmentation", "val/mIoU", "1.0"));
    assertEquals("val/mIoU", METRICS.inVersion("segmentation", "val/mIoU", "1.1"));
    assertNull(
        METRICS.inVersion("segmentation", "val/F1_Score", "1.0"),
        "1.0 logs a micro F1, not a macro one");
    assertNull(METRICS.inVersion("regression", "val/R2_Score", "1.0"));
    assertEquals("test/RMSE", METRICS.canonical("regression", "test/RMSE"));
    assertNull(METRICS.canonical("regression", "test/R2"));
    assertNull(METRICS.canonical("segmentation", "test/F1"));
  }

  @Test
  void gate_inTerratorch10NamesIsKeptUnderThe11Name() {
    ExperimentConfig cfg = parse("CROP_QUALITY_GATE=test/Multiclass_Jaccard_Index>=0.4\n");
    assertEquals("test/mIoU>=0.4", cfg.gates().get("crop_classification").toString());
  }

  @Test
  void gate_onAPerClassIoUIsAccepted() {
    assertEquals(
        "test/IoU_landslide>=0.5",
        parse("LANDSLIDE_QUALITY_GATE=test/IoU_landslide>=0.5\n")
            .gates()
            .get("landslide")
            .toString());
  }

  @Test
  void gate_onAMetricTerratorchDoesNotLogListsTheOnesItDoes() {
    String message = problem("LANDSLIDE_QUALITY_GATE=test/F1>=0.3\n");
    assertTrue(
        message.contains(
            "LANDSLIDE_QUALITY_GATE='test/F1>=0.3' is not allowed: test/F1 is not a test metric"
                + " TerraTorch logs for a segmentation task; use one of test/mIoU,"
                + " test/Multiclass_Jaccard_Index"),
        message);
    assertTrue(message.contains("did you mean test/F1_Score?"), message);
    assertTrue(
        problem("BIOMASS_QUALITY_GATE=test/R2>=0.3\n")
            .contains("use one of test/RMSE, test/MSE, test/MAE, test/R2_Score"));
  }

  @Test
  void gate_theWrongWayRoundIsRejectedWithTheFix() {
    String message = problem("BIOMASS_QUALITY_GATE=test/RMSE>=30\n");
    assertTrue(
        message.contains("test/RMSE is better when lower; did you mean test/RMSE<=30?"), message);
  }

  @Test
  void gate_onAValidationMetricIsNotATestGate() {
    assertTrue(
        problem("CROP_QUALITY_GATE=val/mIoU>=0.3\n").contains("val/mIoU is not a test metric"));
  }

  @Test
  void canonicalize_renamesCollected10Metrics() {
    assertEquals(
        Map.of("test/mIoU", 0.5, "test/RMSE", 3.0, "test/custom", 1.0),
        METRICS.canonicalize(
            Map.of("test/Multiclass_Jaccard_Index", 0.5, "test/RMSE", 3.0, "test/custom", 1.0)));
  }
}
