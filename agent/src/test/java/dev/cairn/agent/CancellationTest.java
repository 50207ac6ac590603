package dev.cairn.agent;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.Json;
import dev.cairn.config.AgentSettings;
import dev.cairn.model.StoreKeys;
import dev.cairn.scheduler.ExecCommandRunner;
import dev.cairn.scheduler.Schedulers;
import dev.cairn.store.FileObjectStore;
import dev.cairn.testing.LocalJobs;
import dev.cairn.testing.TestAgents;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A cancel request belongs to one attempt: one left behind never touches a later attempt. */
class CancellationTest {
  static final String COMMIT = "1234abcd".repeat(5);
  static final String CONFIG =
      "EXPERIMENT_NAME=cancel\nTRAINER=demo\nSCHEDULER=local\nTASKS=crop_classification\nEPOCHS=4\nTIME_LIMIT=5\n";
  @TempDir Path tmp;
  private FileObjectStore store;
  private Schedulers schedulers;
  private Agent agent;

  @BeforeEach
  void setUp() throws Exception {
    store = new FileObjectStore(tmp.resolve("store"));
    AgentSettings settings = TestAgents.settings(tmp, store, Map.of());
    schedulers = new Schedulers(settings, Clock.systemUTC(), new ExecCommandRunner());
    agent = TestAgents.agent(settings, store, schedulers, TestAgents.loopTemplates());
  }

  @AfterEach
  void tearDown() {
    schedulers.close();
    LocalJobs.awaitEnded(tmp, Duration.ofSeconds(15));
  }

  private void submit(int attempt, Instant at) throws Exception {
    submit(attempt, at, CONFIG);
  }

  private void submit(int attempt, Instant at, String config) throws Exception {
    TestAgents.queue(store, COMMIT, config, attempt, at);
  }

  private void runUntilIdle() {
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> !agent.tick());
  }

  private JsonNode status() throws Exception {
    return Json.MAPPER.readTree(store.get(StoreKeys.statusKey(COMMIT)).orElseThrow().content());
  }

  @Test
  void staleCancel_ofAnEndedAttempt_doesNotTouchTheNextAttempt() throws Exception {
    Instant first = Instant.now().minusSeconds(60);
    submit(1, first);
    runUntilIdle();
    assertEquals("SUCCEEDED", status().get("state").asText());
    // `cancel` raced with the end of attempt 1: its request names attempt 1
    store.put(
        StoreKeys.cancelKey(COMMIT),
        "{\"by\": \"ana\", \"reason\": \"too late\", \"attempt\": 1}"
            .getBytes(StandardCharsets.UTF_8));
    submit(2, first.plusSeconds(30));
    runUntilIdle();
    JsonNode status = status();
    assertEquals(2, status.get("attempt").asInt(), status.toString());
    assertEquals("SUCCEEDED", status.get("state").asText(), status.toString());
    assertTrue(store.get(StoreKeys.cancelKey(COMMIT)).isEmpty(), "the stale request is removed");
  }

  @Test
  void cancel_ofTheRunningAttempt_stillCancels() throws Exception {
    submit(1, Instant.now(), CONFIG.replace("EPOCHS=4", "EPOCHS=100"));
    agent.tick();
    store.put(
        StoreKeys.cancelKey(COMMIT),
        "{\"by\": \"ana\", \"reason\": \"wrong data\", \"attempt\": 1}"
            .getBytes(StandardCharsets.UTF_8));
    runUntilIdle();
    assertEquals("CANCELLED", status().get("state").asText());
    assertEquals("cancelled on request by ana: wrong data", status().get("message").asText());
  }
}
