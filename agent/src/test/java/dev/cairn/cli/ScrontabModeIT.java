package dev.cairn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.Json;
import dev.cairn.config.ExperimentConfig;
import dev.cairn.model.RunRequest;
import dev.cairn.model.StoreKeys;
import dev.cairn.store.FileObjectStore;
import dev.cairn.testing.AgentProcess;
import dev.cairn.trigger.RequestQueue;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scrontab / cron mode: {@code run --once} started every few minutes, where a site forbids
 * daemons on login nodes. Two invocations that overlap never submit a job twice.
 */
class ScrontabModeIT {
  private static final String CONFIG =
      "EXPERIMENT_NAME=cron\nTRAINER=demo\nSCHEDULER=local\nTASKS=landslide\n"
          + "EPOCHS=1\nCPUS_PER_JOB=1\nNUM_WORKERS=1\nLANDSLIDE_QUALITY_GATE=test/mIoU>=0\n";
  private static final String COMMIT = "5c0ffee5aa11bb22cc33dd44ee55ff6677889900";

  @TempDir Path tmp;

  @Test
  void twoOverlappingRunOnce_neverSubmitTwice_andTheRunEndsByTicksAlone() throws Exception {
    Path store = tmp.resolve("store");
    Path state = tmp.resolve("state");
    byte[] config = CONFIG.getBytes(StandardCharsets.UTF_8);
    try (FileObjectStore s = new FileObjectStore(store)) {
      RequestQueue.submit(
          s,
          new RunRequest(
              COMMIT,
              "main",
              "1",
              "Researcher",
              "cron tick",
              Instant.now().toString(),
              ExperimentConfig.sha256(config),
              1,
              null),
          config);
    }
    Path settings =
        Files.writeString(
            tmp.resolve("agent.env"),
            String.join(
                "\n",
                "CAIRN_STORE=" + store.toUri(),
                "CAIRN_STATE_DIR=" + state,
                "CAIRN_REQUIRE_PROVENANCE=false",
                ""));
    String[] once = {"run", "--once", "--settings", settings.toString()};

    // the first tick freezes just before it submits the job (as a slow tick would stand there)
    Path first = tmp.resolve("first.log");
    try (AgentProcess frozen =
        AgentProcess.start(
            first,
            Map.of("CAIRN_TEST_CRASH_AT", "submit", "CAIRN_TEST_CRASH_SIGNAL", "STOP"),
            once)) {
      long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
      while (!Files.readString(first).contains("test crash point submit:1")) {
        assertTrue(
            System.nanoTime() < deadline, "never reached submit: " + Files.readString(first));
        assertTrue(frozen.isAlive(), Files.readString(first));
        Thread.sleep(50);
      }
      // the next tick starts while the first still holds the state folder
      Path second = tmp.resolve("second.log");
      try (AgentProcess overlapping = AgentProcess.start(second, Map.of(), once)) {
        assertEquals(0, overlapping.waitFor(Duration.ofSeconds(120)), Files.readString(second));
      }
      String skipped = Files.readString(second);
      assertTrue(skipped.contains("another agent (pid " + frozen.pid() + ") holds "), skipped);
      assertTrue(skipped.contains("this tick is skipped"), skipped);
      new ProcessBuilder("kill", "-CONT", Long.toString(frozen.pid())).start().waitFor();
      assertEquals(0, frozen.waitFor(Duration.ofSeconds(120)), Files.readString(first));
    }

    // later ticks carry the run to its end, one at a time as cron would start them
    JsonNode status = null;
    for (int tick = 0; tick < 90; tick++) {
      Path log = tmp.resolve("tick-" + tick + ".log");
      try (AgentProcess agent = AgentProcess.start(log, Map.of(), once)) {
        assertEquals(0, agent.waitFor(Duration.ofSeconds(120)), Files.readString(log));
      }
      status = status(store).orElse(null);
      if (status != null && status.get("state").asText().equals("SUCCEEDED")) {
        break;
      }
      Thread.sleep(1000);
    }
    assertTrue(status != null && status.get("state").asText().equals("SUCCEEDED"), "" + status);
    assertEquals(1, status.get("jobs").get(0).get("attempts").asInt(), status.toString());
    try (Stream<Path> jobs = Files.list(state.resolve("local-scheduler/jobs"))) {
      assertEquals(1, jobs.count(), "one job submitted");
    }
    Path runDir;
    try (Stream<Path> dirs = Files.list(state.resolve("work/runs"))) {
      runDir = dirs.findFirst().orElseThrow();
    }
    List<String> starts =
        Files.readAllLines(runDir.resolve("out/landslide.out")).stream()
            .filter(l -> l.startsWith("cairn: ") && l.contains(" attempt "))
            .toList();
    assertEquals(1, starts.size(), starts.toString());
  }

  private static Optional<JsonNode> status(Path store) throws Exception {
    try (FileObjectStore s = new FileObjectStore(store)) {
      var object = s.get(StoreKeys.statusKey(COMMIT));
      return object.isEmpty()
          ? Optional.empty()
          : Optional.of(Json.MAPPER.readTree(object.get().content()));
    }
  }
}
