package dev.cairn.agent;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.Json;
import dev.cairn.config.AgentSettings;
import dev.cairn.config.ExperimentConfig;
import dev.cairn.model.StoreKeys;
import dev.cairn.scheduler.ExecCommandRunner;
import dev.cairn.scheduler.Schedulers;
import dev.cairn.store.FileObjectStore;
import dev.cairn.testing.FakeDatasets;
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
  void earlyStopping_isRefusedUntilTheAgentStopsTrials_notIgnored() throws Exception {
    String config =
        "EXPERIMENT_NAME=asha\nTRAINER=demo\nSCHEDULER=local\nTASKS=landslide\n"
            + "LEARNING_RATE=1e-3,1e-2\nEPOCHS=3\nEARLY_STOP=asha\n";
    JsonNode status = statusAfterItsTicks("asha", config);
    assertEquals("REJECTED", status.get("state").asText(), status.toString());
    assertEquals(
        "EARLY_STOP=asha: this agent checks the early-stopping keys but does not stop trials yet;"
            + " set EARLY_STOP=off to run every trial to its end",
        status.get("message").asText());
    assertEquals(0, status.path("jobs").size(), "nothing was submitted: " + status);
  }

  /** Queues {@code config} for a commit named after {@code seed}, ticks until idle: its status. */
  private JsonNode statusAfterItsTicks(String seed, String config) throws Exception {
    FileObjectStore store = new FileObjectStore(tmp.resolve("store"));
    AgentSettings settings = TestAgents.settings(tmp, store, Map.of());
    schedulers = new Schedulers(settings, Clock.systemUTC(), new ExecCommandRunner());
    Agent agent = TestAgents.agent(settings, store, schedulers, TestAgents.loopTemplates());
    String commit = ExperimentConfig.sha256(seed.getBytes(StandardCharsets.UTF_8)).substring(0, 40);
    TestAgents.queue(store, commit, config);
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> !agent.tick());
    return Json.MAPPER.readTree(store.get(StoreKeys.statusKey(commit)).orElseThrow().content());
  }
}
