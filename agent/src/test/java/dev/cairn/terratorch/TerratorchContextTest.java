package dev.cairn.terratorch;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cairn.config.ExperimentConfig;
import dev.cairn.config.QualityGate;
import dev.cairn.config.TaskDefinition;
import dev.cairn.testing.Fixtures;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TerratorchContextTest {
  private static TerratorchContext.Monitor monitor(String task, String gate, String version) {
    ExperimentConfig cfg =
        ExperimentConfig.parse(
            ("EXPERIMENT_NAME=m\nTRAINER=demo\n" + gate + "\n").getBytes(StandardCharsets.UTF_8),
            "config.env",
            Fixtures.tasks());
    TaskDefinition t =
        cfg.tasks().stream().filter(d -> d.name().equals(task)).findFirst().orElseThrow();
    QualityGate g = cfg.gates().get(task);
    return TerratorchContext.monitor(
        new TerratorchContext.Task(
            t.name(),
            t.metrics(),
            t.gateKey(),
            g == null ? null : g.toString(),
            g == null ? null : g.metric()),
        version);
  }

  @Test
  void monitor_isTheGatesValidationTwinAsTheVersionNamesIt() {
    assertEquals(
        new TerratorchContext.Monitor("val/mIoU", "max"),
        monitor("crop_classification", "CROP_QUALITY_GATE=test/mIoU>=0.3", "1.1"));
    assertEquals(
        new TerratorchContext.Monitor("val/Multiclass_Jaccard_Index", "max"),
        monitor("crop_classification", "CROP_QUALITY_GATE=test/mIoU>=0.3", "1.0"));
    assertEquals(
        new TerratorchContext.Monitor("val/RMSE", "min"),
        monitor("biomass", "BIOMASS_QUALITY_GATE=test/RMSE<=70", "1.0"));
  }

  @Test
  void monitor_fallsBackToTheLossWhereTheVersionLacksTheMetric() {
    assertEquals(
        new TerratorchContext.Monitor("val/loss", "min"),
        monitor("landslide", "LANDSLIDE_QUALITY_GATE=test/F1_Score>=0.3", "1.0"));
    assertEquals(
        new TerratorchContext.Monitor("val/loss", "min"),
        monitor("biomass", "BIOMASS_QUALITY_GATE=test/R2_Score>=0.3", "1.0"));
    TerratorchContext.Task undeclared =
        new TerratorchContext.Task("t", "", "T_GATE", "test/mIoU>=0.3", "test/mIoU");
    assertEquals(
        new TerratorchContext.Monitor("val/loss", "min"),
        TerratorchContext.monitor(undeclared, "1.1"));
  }
}
