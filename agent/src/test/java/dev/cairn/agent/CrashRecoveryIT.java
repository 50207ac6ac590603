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
import dev.cairn.trigger.RequestQueue;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SIGKILL the agent daemon while its jobs run; a restarted agent finishes the run. */
class CrashRecoveryIT {
  @TempDir Path tmp;

  @Test
  void sigkill_whileJobsRun_restartFinishesWithNoJobStartedTwice() throws Exception {
    Path storeDir = tmp.resolve("store");
    Path state = tmp.resolve("state");
    Path settings = tmp.resolve("agent.env");
    Files.writeString(
        settings,
        "CAIRN_STORE="
            + storeDir.toUri()
            + "\nCAIRN_STATE_DIR="
            + state
            + "\nCAIRN_REQUIRE_PROVENANCE=false\nCAIRN_POLL_MIN_SECONDS=1\n"
            + "CAIRN_POLL_MAX_SECONDS=2\nCAIRN_LOCAL_MAX_JOBS=3\n");
    String config =
        "EXPERIMENT_NAME=crash\nTRAINER=demo\nSCHEDULER=local\nEPOCHS=60\nCPUS_PER_JOB=1\nNUM_WORKERS=1\n";
    byte[] bytes = config.getBytes(StandardCharsets.UTF_8);
    String commit = "c0ffee" + "0".repeat(34);
    try (FileObjectStore store = new FileObjectStore(storeDir)) {
      RequestQueue.submit(
          store,
          new RunRequest(
              commit,
              "main",
              "7",
              "A",
              "crash test",
              Instant.now().toString(),
              ExperimentConfig.sha256(bytes),
              1,
              null),
          bytes);
    }
    Path jobs = state.resolve("local-scheduler/jobs");
    try (AgentProcess first =
        AgentProcess.start(
            tmp.resolve("first.log"), Map.of(), "run", "--settings", settings.toString())) {
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (running(jobs) < 3) {
        assertTrue(
            System.nanoTime() < deadline,
            "jobs did not start: " + Files.readString(tmp.resolve("first.log")));
        Thread.sleep(100);
      }
      first.kill();
    }
    assertEquals(3, running(jobs), "the jobs outlive the agent, as on a real scheduler");
    int code;
    try (AgentProcess second =
        AgentProcess.start(
            tmp.resolve("second.log"),
            Map.of(),
            "run",
            "--until-idle",
            "--settings",
            settings.toString())) {
      code = second.waitFor(Duration.ofSeconds(120));
    }
    String log = Files.readString(tmp.resolve("second.log"));
    assertEquals(0, code, log);
    try (FileObjectStore store = new FileObjectStore(storeDir)) {
      JsonNode status =
          Json.MAPPER.readTree(store.get(StoreKeys.statusKey(commit)).orElseThrow().content());
      assertEquals("SUCCEEDED", status.get("state").asText(), status.toString());
      for (JsonNode job : status.get("jobs")) {
        assertEquals(1, job.get("attempts").asInt(), status.toString());
      }
    }
    try (Stream<Path> dirs = Files.list(jobs)) {
      assertEquals(3, dirs.count(), "no job was submitted twice");
    }
    Path runs = state.resolve("work/runs");
    try (Stream<Path> dirs = Files.list(runs)) {
      Path run = dirs.findFirst().orElseThrow();
      for (String task : List.of("crop_classification", "landslide", "biomass")) {
        long starts =
            Files.readAllLines(run.resolve("out/" + task + ".out")).stream()
                .filter(l -> l.contains("attempt 1 on"))
                .count();
        assertEquals(1, starts, task + " started once");
      }
    }
  }

  private static long running(Path jobs) throws Exception {
    if (!Files.isDirectory(jobs)) {
      return 0;
    }
    try (Stream<Path> dirs = Files.list(jobs)) {
      return dirs.filter(d -> Files.exists(d.resolve("pid")) && !Files.exists(d.resolve("exit")))
          .count();
    }
  }
}
