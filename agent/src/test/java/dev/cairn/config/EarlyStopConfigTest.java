package dev.cairn.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.testing.Fixtures;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The early-stopping keys: defaults, each key's check and the checks against the rest. */
class EarlyStopConfigTest {
  private static final List<TaskDefinition> TASKS = Fixtures.tasks();
  private static final String SWEEP = "EXPERIMENT_NAME=x\nTRAINER=demo\nLEARNING_RATE=1e-3,1e-2\n";

  private static ExperimentConfig parse(String text) {
    return ExperimentConfig.parse(text.getBytes(StandardCharsets.UTF_8), "config.env", TASKS);
  }

  private static List<String> problems(String text) {
    return assertThrows(ConfigError.class, () -> parse(text)).problems();
  }

  private static TaskDefinition task(String name) {
    return TASKS.stream().filter(t -> t.name().equals(name)).findFirst().orElseThrow();
  }

  @Test
  void parse_earlyStopIsOffByDefault_withTheDocumentedDefaults() {
    ExperimentConfig cfg = parse("EXPERIMENT_NAME=x\nTRAINER=demo\n");
    assertFalse(cfg.earlyStops());
    assertEquals(1, cfg.earlyStopMinEpochs());
    assertEquals(3, cfg.earlyStopReduction());
    assertEquals("off", cfg.values().get("EARLY_STOP"));
  }

  @Test
  void parse_theDefaultMetricIsTheValidationFormOfEachTasksGate() {
    ExperimentConfig cfg =
        parse(SWEEP + "EARLY_STOP=asha\nEPOCHS=27\nBIOMASS_QUALITY_GATE=test/MAE<=40\n");
    assertTrue(cfg.earlyStops());
    assertEquals("val/mIoU", cfg.earlyStopMetric(task("crop_classification")));
    assertTrue(cfg.earlyStopHigherIsBetter(task("crop_classification")));
    assertEquals("val/MAE", cfg.earlyStopMetric(task("biomass")));
    assertFalse(cfg.earlyStopHigherIsBetter(task("biomass")));
  }

  @Test
  void parse_anExplicitMetricTakesTerratorchsDirectionAndCanonicalName() {
    ExperimentConfig cfg =
        parse(
            "EXPERIMENT_NAME=x\nTASKS=crop_classification\nCROP_DATASET_PATH=/d\nSEED=1,2\n"
                + "EARLY_STOP=asha\nEARLY_STOP_METRIC=val/Multiclass_Jaccard_Index\n");
    assertEquals("val/mIoU", cfg.earlyStopMetric(task("crop_classification")));
    ExperimentConfig loss = parse(SWEEP + "EARLY_STOP=asha\nEARLY_STOP_METRIC=val/loss\n");
    assertEquals("val/loss", loss.earlyStopMetric(task("landslide")));
    assertFalse(loss.earlyStopHigherIsBetter(task("landslide")));
  }

  @Test
  void parse_rejectsAMetricTheTaskDoesNotLog_namingTheTaskAndTheChoices() {
    List<String> p = problems(SWEEP + "EARLY_STOP=asha\nEARLY_STOP_METRIC=val/mIoU\n");
    assertEquals(
        List.of(
            "EARLY_STOP_METRIC=val/mIoU: the demo trainer logs no val/mIoU for biomass (a"
                + " regression task); use one of val/RMSE, val/MSE, val/MAE, val/R2_Score,"
                + " val/loss"),
        p);
  }

  @Test
  void parse_withTheDemoTrainer_rejectsAMetricOnlyTerratorchLogs() {
    assertEquals(
        List.of(
            "EARLY_STOP_METRIC=val/Boundary_mIoU: the demo trainer logs no val/Boundary_mIoU for"
                + " landslide (a segmentation task); use one of val/mIoU, val/mIoU_Micro,"
                + " val/F1_Score, val/Accuracy, val/Pixel_Accuracy, val/loss"),
        problems(
            SWEEP + "TASKS=landslide\nEARLY_STOP=asha\nEARLY_STOP_METRIC=val/Boundary_mIoU\n"));
  }

  @Test
  void parse_rejectsATestMetricOrAnotherForm_withTheFix() {
    List<String> p = problems(SWEEP + "EARLY_STOP=asha\nEARLY_STOP_METRIC=test/mIoU\n");
    assertEquals(
        List.of(
            "EARLY_STOP_METRIC='test/mIoU' is not allowed: early stopping compares a validation"
                + " metric logged every epoch; use val/NAME such as val/mIoU, or leave it empty"
                + " for the validation form of each task's quality gate (line 5)"),
        p);
  }

  @Test
  void parse_rejectsAFirstRungThatIsNotBelowEpochs() {
    List<String> p = problems(SWEEP + "EARLY_STOP=asha\nEPOCHS=5,10\nEARLY_STOP_MIN_EPOCHS=5\n");
    assertEquals(
        List.of(
            "EARLY_STOP_MIN_EPOCHS=5 is not below EPOCHS=5: the first rung must come before a"
                + " trial's last epoch; use at most 4 or set EARLY_STOP=off"),
        p);
  }

  @Test
  void parse_rejectsAReductionBelowTwo() {
    assertEquals(
        List.of(
            "EARLY_STOP_REDUCTION='1' is not allowed: use a whole number from 2 to 100 (line 5)"),
        problems(SWEEP + "EARLY_STOP=asha\nEARLY_STOP_REDUCTION=1\n"));
  }

  @Test
  void parse_rejectsEarlyStoppingWithoutASweep() {
    List<String> p = problems("EXPERIMENT_NAME=x\nTRAINER=demo\nEARLY_STOP=asha\n");
    assertEquals(
        List.of(
            "EARLY_STOP=asha needs a sweep, but this config runs one trial per task: list values"
                + " in LEARNING_RATE, SEED, GEOFM, BATCH_SIZE or SPLITS (LEARNING_RATE=1e-4,5e-4),"
                + " or set EARLY_STOP=off"),
        p);
  }

  @Test
  void parse_leavesTheOtherKeysAloneWhileEarlyStopIsOff() {
    // a first rung at EPOCHS, and no sweep, is fine while nothing is stopped
    ExperimentConfig cfg = parse("EXPERIMENT_NAME=x\nTRAINER=demo\nEARLY_STOP_MIN_EPOCHS=10\n");
    assertFalse(cfg.earlyStops());
  }

  @Test
  void parse_suggestsAsha() {
    assertEquals(
        List.of(
            "EARLY_STOP='ahsa' is not allowed: use one of off, asha; did you mean asha? (line 4)"),
        problems(SWEEP + "EARLY_STOP=ahsa\n"));
  }
}
