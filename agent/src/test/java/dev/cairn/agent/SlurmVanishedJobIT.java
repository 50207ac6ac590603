package dev.cairn.agent;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.testing.LoopHarness;
import dev.cairn.testing.SlurmCluster;
import dev.cairn.testing.SlurmShims;
import dev.cairn.testing.UsesSlurm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent is down while its job finishes, and the controller forgets the job before the agent is
 * back (a cluster without accounting past {@code MinJobAge}: squeue and scontrol answer "Invalid
 * job id", shown by shims in front of the real commands). The job's own exit record settles it: the
 * run succeeds and the job is not run a second time.
 */
@UsesSlurm
class SlurmVanishedJobIT {
  private static final String CONFIG =
      "EXPERIMENT_NAME=vanish-it\nTRAINER=demo\nSCHEDULER=slurm\nTASKS=landslide\nEPOCHS=2\n"
          + "LEARNING_RATE=5e-3\nGPUS_PER_JOB=0\nCPUS_PER_JOB=1\nMEMORY_PER_JOB=1G\nTIME_LIMIT=10\n"
          + "NUM_WORKERS=1\n";

  static SlurmCluster cluster;
  @TempDir Path tmp;
  private SlurmShims shims;

  @BeforeAll
  static void cluster() {
    cluster = SlurmCluster.ensure();
  }

  @AfterEach
  void heal() throws Exception {
    if (shims != null) {
      shims.heal();
    }
  }

  @Test
  void jobForgottenWhileTheAgentWasDown_isResolvedFromItsExitRecord() throws Exception {
    shims = SlurmShims.in(tmp.resolve("bin"));
    Map<String, String> settings = Map.of("CAIRN_SCHEDULER_BIN_DIR", shims.dir().toString());
    String commit;
    String jobId;
    Path runDir;
    try (LoopHarness first = new LoopHarness(tmp, settings)) {
      commit = first.submit(CONFIG);
      first.agent.tick();
      Run run = first.agent.runs().values().iterator().next();
      jobId = run.jobs().get(0).schedulerId();
      runDir = Path.of(run.runDir());
      assertTrue(jobId != null && jobId.matches("\\d+"), "submitted: " + jobId);
    } // the agent goes down with its job queued or running

    await()
        .atMost(Duration.ofMinutes(3))
        .pollInterval(Duration.ofSeconds(1))
        .until(() -> squeueState(jobId).equals("COMPLETED"));
    shims.mode("squeue", "forgotten");
    shims.mode("scontrol", "forgotten");

    try (LoopHarness second = new LoopHarness(tmp, settings)) {
      second.runUntilIdle(Duration.ofMinutes(2));
      JsonNode status = second.status(commit);
      assertEquals("SUCCEEDED", status.get("state").asText(), status.toString());
      JsonNode job = status.get("jobs").get(0);
      assertEquals("COMPLETED", job.get("state").asText(), job.toString());
      assertEquals(1, job.get("attempts").asInt(), job.toString());
      assertTrue(job.get("reason").asText().contains("exit.json"), job.toString());
    }
    List<String> starts =
        Files.readAllLines(runDir.resolve("out/landslide.out")).stream()
            .filter(l -> l.startsWith("cairn: ") && l.contains(" attempt "))
            .toList();
    assertEquals(1, starts.size(), "the job ran once: " + starts);
  }

  /** The job's state as the real squeue shows it ("?" when squeue cannot answer now). */
  private static String squeueState(String id) throws Exception {
    var result =
        cluster
            .runner()
            .run(
                List.of("squeue", "--noheader", "--states=all", "--jobs=" + id, "--format=%T"),
                Duration.ofSeconds(30));
    return result.ok() ? result.stdout().strip() : "?";
  }
}
