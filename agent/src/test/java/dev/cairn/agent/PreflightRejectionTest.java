package dev.cairn.agent;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.Json;
import dev.cairn.config.AgentSettings;
import dev.cairn.config.ExperimentConfig;
import dev.cairn.model.StoreKeys;
import dev.cairn.render.TemplateSet;
import dev.cairn.scheduler.ExecCommandRunner;
import dev.cairn.scheduler.Schedulers;
import dev.cairn.store.FileObjectStore;
import dev.cairn.testing.FakeDatasets;
import dev.cairn.testing.Fixtures;
import dev.cairn.testing.TestAgents;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run whose preflight fails is rejected before anything is submitted, with every problem in its
 * status.json (and so in CI's view of it).
 */
class PreflightRejectionTest {
  @TempDir Path tmp;
  private Schedulers schedulers;

  @AfterEach
  void tearDown() {
    if (schedulers != null) {
      schedulers.close();
    }
  }

  @Test
  void brokenDatasets_rejectTheRun_withEveryProblemInStatusJson() throws Exception {
    Path landslide = FakeDatasets.landslide(tmp.resolve("landslide"), 2);
    FakeDatasets.delete(landslide.resolve("images/validation"));
    Path crop = tmp.resolve("no-crop-here");
    String config =
        "EXPERIMENT_NAME=pre\nTRAINER=terratorch\nSCHEDULER=local\nGEOFM=prithvi_eo_v1_100\n"
            + "TASKS=crop_classification,landslide\nLEARNING_RATE=5e-3\n"
            + "CROP_DATASET_PATH="
            + crop
            + "\nLANDSLIDE_DATASET_PATH="
            + landslide
            + "\n";
    JsonNode status = statusAfterItsTicks("preflight", config);
    assertEquals("REJECTED", status.get("state").asText(), status.toString());
    assertEquals(
        "preflight: LEARNING_RATE=5e-3 is above 1e-3, too high for fine-tuning a pretrained ViT"
            + " with AdamW under TRAINER=terratorch (the task configs use 1e-4); lower it, or"
            + " leave it unset for the task config's own; CROP_DATASET_PATH="
            + crop
            + ": no such folder; crop_classification needs its dataset there;"
            + " LANDSLIDE_DATASET_PATH="
            + landslide
            + ": the val split's folder images/validation/ is missing",
        status.get("message").asText());
    assertEquals(0, status.path("jobs").size(), "nothing was submitted: " + status);
  }

  @Test
  void anEarlyStoppingMetricTheSitesTerratorchDoesNotLog_rejectsTheRunBeforeAnyJob()
      throws Exception {
    String config =
        "EXPERIMENT_NAME=asha\nTRAINER=terratorch\nSCHEDULER=local\nTASKS=landslide\n"
            + "LEARNING_RATE=1e-4,5e-5\nEPOCHS=3\nEARLY_STOP=asha\n"
            + "EARLY_STOP_METRIC=val/Boundary_mIoU\nLANDSLIDE_DATASET_PATH="
            + tmp
            + "\n";
    JsonNode status =
        statusAfterItsTicks(
            "asha", config, Map.of("CAIRN_TERRATORCH_VERSION", "1.1.0"), Fixtures.templates());
    assertEquals("REJECTED", status.get("state").asText(), status.toString());
    assertEquals(
        "EARLY_STOP_METRIC=val/Boundary_mIoU: TerraTorch 1.1.0 (the agent's"
            + " CAIRN_TERRATORCH_VERSION) does not log val/Boundary_mIoU for landslide; set"
            + " EARLY_STOP_METRIC to a metric that version logs, such as val/mIoU, or val/loss",
        status.get("message").asText());
    assertEquals(0, status.path("jobs").size(), "nothing was submitted: " + status);
  }

  /** Queues {@code config} for a commit named after {@code seed}, ticks until idle: its status. */
  private JsonNode statusAfterItsTicks(String seed, String config) throws Exception {
    return statusAfterItsTicks(seed, config, Map.of(), TestAgents.loopTemplates());
  }

  private JsonNode statusAfterItsTicks(
      String seed, String config, Map<String, String> agent, TemplateSet templates)
      throws Exception {
    FileObjectStore store = new FileObjectStore(tmp.resolve("store"));
    AgentSettings settings = TestAgents.settings(tmp, store, agent);
    schedulers = new Schedulers(settings, Clock.systemUTC(), new ExecCommandRunner());
    Agent loop = TestAgents.agent(settings, store, schedulers, templates);
    String commit = ExperimentConfig.sha256(seed.getBytes(StandardCharsets.UTF_8)).substring(0, 40);
    TestAgents.queue(store, commit, config);
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> !loop.tick());
    return Json.MAPPER.readTree(store.get(StoreKeys.statusKey(commit)).orElseThrow().content());
  }
}
