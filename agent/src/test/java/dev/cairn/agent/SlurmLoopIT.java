package dev.cairn.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.testing.LoopHarness;
import dev.cairn.testing.SlurmCluster;
import dev.cairn.testing.UsesSlurm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent's loop on the real single-node SLURM with the demo trainer. */
@UsesSlurm
class SlurmLoopIT {
  static SlurmCluster cluster;
  @TempDir Path tmp;
  private LoopHarness loop;

  @BeforeAll
  static void cluster() {
    cluster = SlurmCluster.ensure();
  }

  @BeforeEach
  void setUp() throws Exception {
    loop = new LoopHarness(tmp, Map.of());
  }

  @AfterEach
  void tearDown() {
    loop.close();
  }

  @Test
  void loop_runsTheThreeDemoTasksOnSlurm() throws Exception {
    String commit =
        loop.submit(
            "EXPERIMENT_NAME=slurm-it\nTRAINER=demo\nSCHEDULER=slurm\nEPOCHS=3\nLEARNING_RATE=5e-3\nGPUS_PER_JOB=0\nCPUS_PER_JOB=1\n"
                + "MEMORY_PER_JOB=1G\nTIME_LIMIT=10\nNUM_WORKERS=1\n");
    loop.runUntilIdle(Duration.ofMinutes(3));
    JsonNode status = loop.status(commit);
    assertEquals("SUCCEEDED", status.get("state").asText(), status.toString());
    for (JsonNode job : status.get("jobs")) {
      assertEquals("COMPLETED", job.get("state").asText());
      assertTrue(job.get("scheduler_id").asText().matches("\\d+"), job.toString());
      assertTrue(job.get("max_rss_mb").asLong() > 0, job.toString());
    }
  }

  @Test
  void refusedScript_failsTheJobWithSlurmsWords_andTheAgentGoesOn() throws Exception {
    // this cluster has no GPUs (no GRES): sbatch refuses --gres=gpu:1
    String refused =
        loop.submit(
            "EXPERIMENT_NAME=gpu-it\nTRAINER=demo\nSCHEDULER=slurm\nTASKS=biomass\nEPOCHS=2\nGPUS_PER_JOB=1\n"
                + "CPUS_PER_JOB=1\nMEMORY_PER_JOB=1G\nTIME_LIMIT=10\n");
    loop.runUntilIdle(Duration.ofMinutes(1));
    JsonNode status = loop.status(refused);
    assertEquals("FAILED", status.get("state").asText(), status.toString());
    String reason = status.get("jobs").get(0).get("reason").asText();
    assertTrue(reason.contains("sbatch") && reason.toLowerCase().contains("gres"), reason);
    String next =
        loop.submit(
            "EXPERIMENT_NAME=after-it\nTRAINER=demo\nSCHEDULER=slurm\nTASKS=biomass\nEPOCHS=2\nLEARNING_RATE=5e-3\n"
                + "GPUS_PER_JOB=0\nCPUS_PER_JOB=1\nMEMORY_PER_JOB=1G\nTIME_LIMIT=10\n");
    loop.runUntilIdle(Duration.ofMinutes(2));
    assertEquals(
        "SUCCEEDED", loop.status(next).get("state").asText(), loop.status(next).toString());
  }

  @Test
  void preemption_jobResumesFromItsCheckpointAndCompletes() throws Exception {
    String commit =
        loop.submit(
            "EXPERIMENT_NAME=preempt-it\nTRAINER=demo\nSCHEDULER=slurm\nTASKS=crop_classification\nEPOCHS=120\nLEARNING_RATE=5e-3\n"
                + "GPUS_PER_JOB=0\nCPUS_PER_JOB=1\nMEMORY_PER_JOB=3000M\nTIME_LIMIT=10\nNUM_WORKERS=1\nPARTITION=low\n");
    Path csv = null;
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    while (true) {
      loop.agent.tick();
      Run run = loop.agent.runs().values().iterator().next();
      csv = Path.of(run.runDir()).resolve("predictions/crop_classification/metrics.csv");
      if (Files.exists(csv) && Files.readAllLines(csv).size() > 5) {
        break;
      }
      assertTrue(System.nanoTime() < deadline, "the job did not start training");
      Thread.sleep(500);
    }
    // a job on the high-priority partition needs the memory the demo job holds: SLURM preempts it
    cluster.preemptWith("3000M", 8, tmp.resolve("high.out"));
    loop.runUntilIdle(Duration.ofMinutes(4));
    JsonNode status = loop.status(commit);
    assertEquals("SUCCEEDED", status.get("state").asText(), status.toString());
    List<String> rows = Files.readAllLines(csv);
    int trainLoss = List.of(rows.get(0).split(",")).indexOf("train/loss");
    List<Integer> epochs = new ArrayList<>();
    // the epoch rows (Lightning's CSVLogger shape: epochs from 0); the test's row has no train/loss
    rows.subList(1, rows.size()).stream()
        .filter(r -> !r.split(",", -1)[trainLoss].isEmpty())
        .forEach(r -> epochs.add(Integer.parseInt(r.split(",")[0])));
    for (int i = 0; i < epochs.size(); i++) {
      assertEquals(
          i, epochs.get(i), "epochs continue after the preemption, not restart: " + epochs);
    }
    assertEquals(120, epochs.size());
    JsonNode job = status.get("jobs").get(0);
    assertEquals(2, job.get("attempts").asInt(), job.toString());
    assertEquals("REQUEUED", job.get("history").get(0).get("state").asText(), job.toString());
    Run run = loop.agent.runs().values().iterator().next();
    String out = Files.readString(Path.of(run.runDir()).resolve("out/crop_classification.out"));
    assertTrue(out.contains("resuming from checkpoint at epoch"), out);
  }
}
