package dev.cairn.early;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.cairn.CairnException;
import dev.cairn.config.ExperimentConfig;
import dev.cairn.config.TaskDefinition;
import dev.cairn.testing.Fixtures;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class PolicyTest {
  private static final List<TaskDefinition> TASKS = Fixtures.tasks();

  private static ExperimentConfig config(String extra) {
    return config("landslide,biomass", extra);
  }

  private static ExperimentConfig config(String tasks, String extra) {
    String text =
        "EXPERIMENT_NAME=x\nTASKS="
            + tasks
            + "\nLANDSLIDE_DATASET_PATH=/d/ls\n"
            + "BIOMASS_DATASET_PATH=/d/bm\nEPOCHS=27\nSEED=1,2,3\nEARLY_STOP=asha\n"
            + extra;
    return ExperimentConfig.parse(text.getBytes(StandardCharsets.UTF_8), "config.env", TASKS);
  }

  private static TaskDefinition task(String name) {
    return TASKS.stream().filter(t -> t.name().equals(name)).findFirst().orElseThrow();
  }

  @Test
  void of_takesTheConfigsKeys_perTask() {
    ExperimentConfig cfg = config("EARLY_STOP_MIN_EPOCHS=2\nEARLY_STOP_REDUCTION=2\n");
    assertEquals(new Policy("val/mIoU", true, 2, 2), Policy.of(cfg, task("landslide"), "1.1"));
    assertEquals(new Policy("val/RMSE", false, 2, 2), Policy.of(cfg, task("biomass"), "1.1"));
    assertEquals(List.of(2, 4, 8, 16), Policy.of(cfg, task("biomass"), "1.1").rungs(27));
  }

  @Test
  void of_acceptsAMetricTheSitesVersionLogsUnderItsOwnName() {
    // TerraTorch 1.0 logs val/mIoU as val/Multiclass_Jaccard_Index: the reader matches both
    assertEquals("val/mIoU", Policy.of(config(""), task("landslide"), "1.0").metric());
  }

  @Test
  void of_refusesAMetricTheSitesTerratorchVersionDoesNotLog() {
    ExperimentConfig cfg = config("landslide", "EARLY_STOP_METRIC=val/Boundary_mIoU\n");
    CairnException e =
        assertThrows(CairnException.class, () -> Policy.of(cfg, task("landslide"), "1.1.0"));
    assertEquals(
        "EARLY_STOP_METRIC=val/Boundary_mIoU: TerraTorch 1.1.0 (the agent's"
            + " CAIRN_TERRATORCH_VERSION) does not log val/Boundary_mIoU for landslide; set"
            + " EARLY_STOP_METRIC to a metric that version logs, such as val/mIoU, or val/loss",
        e.getMessage());
    assertEquals("val/Boundary_mIoU", Policy.of(cfg, task("landslide"), "1.1").metric());
  }

  @Test
  void of_namesTheGateWhenTheDefaultMetricIsNotLogged() {
    ExperimentConfig cfg = config("LANDSLIDE_QUALITY_GATE=test/Accuracy>=0.5\n");
    CairnException e =
        assertThrows(CairnException.class, () -> Policy.of(cfg, task("landslide"), "1.0"));
    assertEquals(
        "EARLY_STOP_METRIC (empty: the validation form of LANDSLIDE_QUALITY_GATE): TerraTorch 1.0"
            + " (the agent's CAIRN_TERRATORCH_VERSION) does not log val/Accuracy for landslide;"
            + " set EARLY_STOP_METRIC to a metric that version logs, such as val/mIoU, or val/loss",
        e.getMessage());
  }

  @Test
  void new_refusesAReductionBelowTwo() {
    assertThrows(IllegalArgumentException.class, () -> new Policy("val/x", true, 1, 1));
  }
}
