package dev.cairn.agent;

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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14: an agent killed between writing a run's claim and saving its record found its own claim
 * on restart, took it for another agent's and skipped the run for good.
 */
class ClaimRecoveryTest {
  /** A config that is rejected at once: the run gets a status without starting any job. */
  private static final String CONFIG = "EXPERIMENT_NAME=claim\nTRAINER=demo\nEPOCS=1\n";

  private static final String COMMIT = "c1a1" + "0".repeat(36);

  @TempDir Path tmp;
  private FileObjectStore store;
  private AgentSettings settings;
  private Schedulers schedulers;

  @BeforeEach
  void setUp() throws Exception {
    store = new FileObjectStore(tmp.resolve("store"));
    settings = TestAgents.settings(tmp, store, Map.of());
    schedulers = new Schedulers(settings, Clock.systemUTC(), new ExecCommandRunner());
    TestAgents.queue(store, COMMIT, CONFIG);
  }

  @AfterEach
  void tearDown() {
    schedulers.close();
    LocalJobs.awaitEnded(tmp, Duration.ofSeconds(15));
  }

  private Agent newAgent() throws Exception {
    return TestAgents.agent(settings, store, schedulers, TestAgents.loopTemplates());
  }

  private void claimAs(String agentId) throws Exception {
    byte[] claim =
        Json.MAPPER.writeValueAsBytes(
            Map.of("agent", "login1", "agent_id", agentId, "at", Instant.now().toString()));
    assertTrue(store.putIfAbsent(StoreKeys.claimKey(COMMIT, 1), claim));
  }

  @Test
  void intake_adoptsTheClaimItWroteBeforeACrash() throws Exception {
    Agent agent = newAgent();
    String self = Files.readString(tmp.resolve("state/agent-id")).strip();
    claimAs(self);
    agent.tick();
    JsonNode status =
        Json.MAPPER.readTree(store.get(StoreKeys.statusKey(COMMIT)).orElseThrow().content());
    assertEquals("REJECTED", status.get("state").asText(), status.toString());
    assertEquals(1, agent.runs().size());
  }

  @Test
  void intake_keepsTheAgentIdAcrossRestarts() throws Exception {
    newAgent();
    String first = Files.readString(tmp.resolve("state/agent-id"));
    newAgent();
    assertEquals(first, Files.readString(tmp.resolve("state/agent-id")));
  }

  @Test
  void intake_skipsAClaimOfAnotherAgent() throws Exception {
    claimAs("0f0f0f0f-0000-4000-8000-000000000000");
    Agent agent = newAgent();
    agent.tick();
    assertTrue(store.get(StoreKeys.statusKey(COMMIT)).isEmpty());
    assertTrue(agent.runs().isEmpty());
  }
}
