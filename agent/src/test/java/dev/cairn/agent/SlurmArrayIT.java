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

/**
 * A sweep on the real single-node SLURM: trials go as job arrays split at {@code
 * CAIRN_MAX_ARRAY_SIZE}, and an element requeued mid-training resumes from its own checkpoint while
 * its siblings finish.
 */
@UsesSlurm
class SlurmArrayIT {
  static SlurmCluster cluster;
  @TempDir Path tmp;
  private LoopHarness loop;

  @BeforeAll
  static void cluster() {
    cluster = SlurmCluster.ensure();
  }

  @BeforeEach
  void setUp() throws Exception {
    loop = new LoopHarness(tmp, Map.of("CAIRN_MAX_ARRAY_SIZE", "3"));
  }

  @AfterEach
  void tearDown() {
    loop.close();
  }

  @Test
  void sweep_runsAsArraysSplitAtTheLimit_andARequeuedElementResumes() throws Exception {
    String commit =
        loop.submit(
            "EXPERIMENT_NAME=array-it\nTRAINER=demo\nSCHEDULER=slurm\nTASKS=crop_classification\n"
                + "GEOFM=prithvi_eo_v1_100,prithvi_eo_v2_300\nSEED=1,2\nEPOCHS=40\n"
                + "LEARNING_RATE=5e-3\nGPUS_PER_JOB=0\nCPUS_PER_JOB=1\nMEMORY_PER_JOB=500M\n"
                + "TIME_LIMIT=10\nNUM_WORKERS=1\nSWEEP_MAX_PARALLEL=2\n");
    String trial = "crop_classification-prithvi_eo_v1_100-lr5e-3-s1-b8-e40";
    Path csv;
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    while (true) {
      loop.agent.tick();
      Run run = loop.agent.runs().values().iterator().next();
      csv = Path.of(run.runDir()).resolve("predictions/" + trial + "/metrics.csv");
      if (Files.exists(csv) && Files.readAllLines(csv).size() > 4) {
        break;
      }
      assertTrue(System.nanoTime() < deadline, "the first element did not start training");
      Thread.sleep(500);
    }
    Run run = loop.agent.runs().values().iterator().next();
    JobRun first = run.job(trial);
    assertTrue(first.schedulerId().matches("\\d+_0"), first.schedulerId());
    var requeue =
        cluster
            .runner()
            .run(List.of("scontrol", "requeue", first.schedulerId()), Duration.ofSeconds(30));
    assertTrue(requeue.ok(), requeue.describe());
    loop.runUntilIdle(Duration.ofMinutes(4));

    JsonNode status = loop.status(commit);
    assertEquals("SUCCEEDED", status.get("state").asText(), status.toString());
    assertEquals(4, status.get("jobs").size());
    java.util.Set<String> arrays = new java.util.TreeSet<>();
    for (JsonNode job : status.get("jobs")) {
      assertEquals("COMPLETED", job.get("state").asText(), job.toString());
      String id = job.get("scheduler_id").asText();
      assertTrue(id.matches("\\d+_\\d"), job.toString());
      arrays.add(id.split("_")[0]);
    }
    assertEquals(2, arrays.size(), "four trials in arrays of at most three: " + arrays);
    JsonNode requeued = null;
    for (JsonNode job : status.get("jobs")) {
      if (job.get("trial").asText().equals(trial)) {
        requeued = job;
      } else {
        assertEquals(1, job.get("attempts").asInt(), "siblings ran once: " + job);
      }
    }
    assertEquals(2, requeued.get("attempts").asInt(), requeued.toString());
    assertEquals("REQUEUED", requeued.get("history").get(0).get("state").asText());
    List<String> rows = Files.readAllLines(csv);
    int trainLoss = List.of(rows.get(0).split(",")).indexOf("train/loss");
    List<Integer> epochs = new ArrayList<>();
    // the epoch rows (Lightning's CSVLogger shape: epochs from 0); the test's row has no train/loss
    rows.subList(1, rows.size()).stream()
        .filter(r -> !r.split(",", -1)[trainLoss].isEmpty())
        .forEach(r -> epochs.add(Integer.parseInt(r.split(",")[0])));
    for (int i = 0; i < epochs.size(); i++) {
      assertEquals(i, epochs.get(i), "epochs continue after the requeue: " + epochs);
    }
    assertEquals(40, epochs.size());
    String out = Files.readString(Path.of(run.runDir()).resolve("out/" + trial + ".out"));
    assertTrue(out.contains("resuming from checkpoint at epoch"), out);
  }
}
