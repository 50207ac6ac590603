package dev.cairn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.testing.AgentProcess;
import dev.cairn.testing.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A demo run with {@code STAGES=train,evaluate} and {@code PUBLISH_CHECKPOINTS=true}: from a fresh
 * clone of its results, {@code rerun-stage} pulls the checkpoints and evaluates every trial again
 * without training, getting the published metrics to the bit (the demo trainer is deterministic).
 */
class RerunStageIT {
  @TempDir Path tmp;

  @Test
  void rerunStage_evaluatesThePublishedCheckpointsAgain_sameMetricsNoTraining() throws Exception {
    Path config =
        Files.writeString(
            tmp.resolve("config.env"),
            "EXPERIMENT_NAME=rerun-it\nTRAINER=demo\nSCHEDULER=local\nTASKS=landslide,biomass\n"
                + "EPOCHS=2\nGPUS_PER_JOB=0\nSTAGES=train,evaluate\nPUBLISH_CHECKPOINTS=true\n"
                + "BIOMASS_QUALITY_GATE=test/RMSE<=1000\n");
    Path ws = tmp.resolve("ws");
    Path log = tmp.resolve("demo.log");
    try (AgentProcess demo =
        AgentProcess.start(
            log, Map.of(), "demo", "--workspace", ws.toString(), "--config", config.toString())) {
      assertEquals(0, demo.waitFor(Duration.ofSeconds(180)), Files.readString(log));
    }
    Path clone = tmp.resolve("clone");
    Fixtures.git(tmp, "clone", "-q", ws.resolve("origin.git").toUri().toString(), "clone");
    Path rerunLog = tmp.resolve("rerun.log");
    Path work = tmp.resolve("work");
    try (AgentProcess rerun =
        AgentProcess.start(
            rerunLog,
            Map.of(),
            "rerun-stage",
            "HEAD",
            "--repo",
            clone.toString(),
            "--work-dir",
            work.toString())) {
      assertEquals(0, rerun.waitFor(Duration.ofSeconds(120)), Files.readString(rerunLog));
    }
    String printed = Files.readString(rerunLog);
    for (String trial : new String[] {"landslide", "biomass"}) {
      assertTrue(
          printed.matches(
              "(?s).*" + trial + ": (\\d+) of \\1 test metric\\(s\\) identical to the published.*"),
          printed);
      String out = Files.readString(work.resolve("out/" + trial + ".out"));
      assertTrue(out.contains("resuming from checkpoint at epoch 2"), out);
      assertTrue(!out.contains("train/loss"), "no epoch trained again: " + out);
    }
  }

  @Test
  void rerunStage_ofARunWithoutPublishedCheckpoints_saysHowToGetThem() throws Exception {
    Path ws = tmp.resolve("ws");
    Path log = tmp.resolve("demo.log");
    try (AgentProcess demo =
        AgentProcess.start(log, Map.of(), "demo", "--workspace", ws.toString())) {
      assertEquals(0, demo.waitFor(Duration.ofSeconds(180)), Files.readString(log));
    }
    Fixtures.git(tmp, "clone", "-q", ws.resolve("origin.git").toUri().toString(), "clone");
    Path rerunLog = tmp.resolve("rerun.log");
    try (AgentProcess rerun =
        AgentProcess.start(
            rerunLog, Map.of(), "rerun-stage", "HEAD", "--repo", tmp.resolve("clone").toString())) {
      assertEquals(2, rerun.waitFor(Duration.ofSeconds(60)), Files.readString(rerunLog));
    }
    assertTrue(
        Files.readString(rerunLog).contains("published no checkpoints"),
        Files.readString(rerunLog));
  }
}
