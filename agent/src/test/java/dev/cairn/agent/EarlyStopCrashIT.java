package dev.cairn.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.Json;
import dev.cairn.config.ExperimentConfig;
import dev.cairn.model.RunRequest;
import dev.cairn.model.StoreKeys;
import dev.cairn.store.FileObjectStore;
import dev.cairn.testing.AgentProcess;
import dev.cairn.testing.Fixtures;
import dev.cairn.trigger.RequestQueue;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon ({@code java -jar agent.jar run}, folder store, local scheduler, the demo trainer at 1
 * s an epoch) killed as by kill -9 right after it saved a rung decision that stops a trial and
 * before it cancelled the trial's job: on restart the trial is stopped, once, before it trains to
 * its end, and no trial and rung is decided twice.
 */
class EarlyStopCrashIT {
  /** 1e-3 is far behind at epoch 1; 20 epochs leave the restart 19 s to come back in time. */
  private static final String CONFIG =
      "EXPERIMENT_NAME=asha-crash\nTRAINER=demo\nSCHEDULER=local\nTASKS=landslide\n"
          + "LEARNING_RATE=5e-2,5e-3,1e-3\nEPOCHS=20\nEARLY_STOP=asha\nCPUS_PER_JOB=1\n"
          + "NUM_WORKERS=1\nLANDSLIDE_QUALITY_GATE=test/mIoU>=0\n";

  private static final String FAST_START = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC";

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path tmp;

  @Test
  void kill9_betweenADecisionAndItsCancel_theTrialIsStoppedOnceOnRestart() throws Exception {
    Path store = tmp.resolve("store");
    Path state = tmp.resolve("state");
    byte[] config = CONFIG.getBytes(StandardCharsets.UTF_8);
    String commit = ExperimentConfig.sha256(config).substring(0, 40);
    try (FileObjectStore s = new FileObjectStore(store)) {
      RequestQueue.submit(
          s,
          new RunRequest(
              commit,
              "main",
              "1",
              "Researcher",
              "A sweep with early stopping",
              Instant.now().toString(),
              ExperimentConfig.sha256(config),
              1,
              null),
          config);
    }
    Path templates = Fixtures.slowDemoTemplates(tmp.resolve("templates"), 1);
    Path settings = tmp.resolve("agent.env");
    Files.writeString(
        settings,
        String.join(
            "\n",
            "CAIRN_STORE=" + store.toUri(),
            "CAIRN_STATE_DIR=" + state,
            "CAIRN_TEMPLATES_DIR=" + templates,
            "CAIRN_REQUIRE_PROVENANCE=false",
            "CAIRN_POLL_MIN_SECONDS=1",
            "CAIRN_POLL_MAX_SECONDS=1",
            ""));

    Path crashed = tmp.resolve("agent-crash.log");
    assertEquals(137, runAgent(settings, crashed, Map.of("CAIRN_TEST_CRASH_AT", "rung-decided")));
    String out = Files.readString(crashed);
    assertTrue(out.contains("test crash point rung-decided:1"), out);

    Path last = tmp.resolve("agent-last.log");
    assertEquals(0, runAgent(settings, last, Map.of()), Files.readString(last));

    JsonNode status;
    try (FileObjectStore s = new FileObjectStore(store)) {
      status = Json.MAPPER.readTree(s.get(StoreKeys.statusKey(commit)).orElseThrow().content());
    }
    assertEquals("SUCCEEDED", status.get("state").asText(), status.toString());
    JsonNode record = runRecord(state);
    JsonNode decisions = record.get("early_stop").get("decisions");
    Map<String, Long> perTrialAndRung = new HashMap<>();
    List<String> stops = new ArrayList<>();
    for (JsonNode d : decisions) {
      perTrialAndRung.merge(
          d.get("trial_id").asText() + "@" + d.get("rung").asInt(), 1L, Long::sum);
      if (d.get("verdict").asText().equals("STOP")) {
        stops.add(d.get("trial_id").asText());
      }
    }
    perTrialAndRung.forEach((k, n) -> assertEquals(1, n, k + " decided " + n + " times"));
    assertEquals(stops.size(), stops.stream().distinct().count(), "stopped once each: " + stops);
    assertTrue(!stops.isEmpty(), "the crash came after a stop was saved: " + decisions);
    for (JsonNode job : status.get("jobs")) {
      String trial = job.get("trial").asText();
      if (stops.contains(trial)) {
        assertEquals("STOPPED", job.get("state").asText(), job.toString());
        assertTrue(
            job.get("epochs_run").asInt() < 20, "stopped before it trained to its end: " + job);
      } else {
        assertEquals("COMPLETED", job.get("state").asText(), job.toString());
      }
    }
  }

  private int runAgent(Path settings, Path log, Map<String, String> env) throws Exception {
    Map<String, String> all = new HashMap<>(env);
    all.put("JAVA_TOOL_OPTIONS", FAST_START);
    try (AgentProcess agent =
        AgentProcess.start(log, all, "run", "--until-idle", "--settings", settings.toString())) {
      return agent.waitFor(Duration.ofSeconds(240));
    }
  }

  private static JsonNode runRecord(Path state) throws Exception {
    try (Stream<Path> files = Files.list(state.resolve("runs"))) {
      List<Path> records = files.filter(p -> p.getFileName().toString().endsWith(".json")).toList();
      assertEquals(1, records.size(), records.toString());
      return Json.MAPPER.readTree(records.get(0).toFile());
    }
  }
}
