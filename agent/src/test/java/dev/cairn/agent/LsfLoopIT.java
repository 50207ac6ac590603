package dev.cairn.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.Json;
import dev.cairn.config.ExperimentConfig;
import dev.cairn.model.RunRequest;
import dev.cairn.model.StoreKeys;
import dev.cairn.store.FileObjectStore;
import dev.cairn.testing.AgentProcess;
import dev.cairn.testing.Fixtures;
import dev.cairn.testing.SlurmCluster;
import dev.cairn.testing.UsesSlurm;
import dev.cairn.trigger.RequestQueue;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent daemon with SCHEDULER=lsf. IBM LSF cannot run here: the bsub, bjobs, bkill and bhist it
 * calls are the test emulator of LSF's documented command line ({@code
 * agent/src/test/lsf-emulator}), which runs the jobs on the real single-node SLURM.
 */
@UsesSlurm
class LsfLoopIT {
  @TempDir Path tmp;

  @Test
  void loop_runsTheThreeDemoTasksThroughLsf() throws Exception {
    SlurmCluster.ensure();
    Path emulator = Fixtures.projectDir().resolve("agent/src/test/lsf-emulator/bin");
    Path storeDir = tmp.resolve("store");
    Path settings = tmp.resolve("agent.env");
    Files.writeString(
        settings,
        String.join(
            "\n",
            "CAIRN_STORE=" + storeDir.toUri(),
            "CAIRN_STATE_DIR=" + tmp.resolve("state"),
            "CAIRN_REQUIRE_PROVENANCE=false",
            "CAIRN_TRAINER_JAR=" + System.getProperty("cairn.trainerJar"),
            "CAIRN_POLL_MIN_SECONDS=1",
            "CAIRN_POLL_MAX_SECONDS=2",
            ""));
    String config =
        "EXPERIMENT_NAME=lsf-it\nTRAINER=demo\nSCHEDULER=lsf\nEPOCHS=3\nLEARNING_RATE=5e-3\n"
            + "GPUS_PER_JOB=0\nCPUS_PER_JOB=1\nMEMORY_PER_JOB=1G\nTIME_LIMIT=10\nNUM_WORKERS=1\n";
    byte[] bytes = config.getBytes(StandardCharsets.UTF_8);
    String commit = "15f" + "0".repeat(37);
    try (FileObjectStore store = new FileObjectStore(storeDir)) {
      RequestQueue.submit(
          store,
          new RunRequest(
              commit,
              "main",
              "3",
              "A",
              "lsf",
              Instant.now().toString(),
              ExperimentConfig.sha256(bytes),
              1,
              null),
          bytes);
    }
    Map<String, String> env =
        Map.of(
            "PATH",
            emulator + ":" + System.getenv("PATH"),
            "LSF_EMULATOR_STATE",
            tmp.resolve("lsf-state").toString());
    Path log = tmp.resolve("agent.log");
    try (AgentProcess agent =
        AgentProcess.start(log, env, "run", "--until-idle", "--settings", settings.toString())) {
      assertEquals(0, agent.waitFor(Duration.ofMinutes(3)), Files.readString(log));
    }
    try (FileObjectStore store = new FileObjectStore(storeDir)) {
      JsonNode status =
          Json.MAPPER.readTree(store.get(StoreKeys.statusKey(commit)).orElseThrow().content());
      assertEquals(
          "SUCCEEDED", status.get("state").asText(), status + "\n" + Files.readString(log));
      for (JsonNode job : status.get("jobs")) {
        assertEquals("COMPLETED", job.get("state").asText());
      }
    }
    Path run;
    try (var dirs = Files.list(tmp.resolve("state/work/runs"))) {
      run = dirs.findFirst().orElseThrow();
    }
    String script = Files.readString(run.resolve("scripts/crop_classification.sh"));
    org.junit.jupiter.api.Assertions.assertTrue(script.contains("#BSUB -J cairn-"), script);
  }
}
