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
    FileObjectStore store = new FileObjectStore(tmp.resolve("store"));
    AgentSettings settings = TestAgents.settings(tmp, store, Map.of());
    schedulers = new Schedulers(settings, Clock.systemUTC(), new ExecCommandRunner());
    Agent agent = TestAgents.agent(settings, store, schedulers, TestAgents.loopTemplates());
    String commit =
        ExperimentConfig.sha256("preflight".getBytes(StandardCharsets.UTF_8)).substring(0, 40);
    TestAgents.queue(store, commit, config);
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> !agent.tick());
    JsonNode status =
        Json.MAPPER.readTree(store.get(StoreKeys.statusKey(commit)).orElseThrow().content());
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
}
