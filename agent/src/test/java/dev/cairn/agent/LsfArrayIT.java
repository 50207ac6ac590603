package dev.cairn.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.scheduler.CommandRunner;
import dev.cairn.testing.Fixtures;
import dev.cairn.testing.LoopHarness;
import dev.cairn.testing.LsfEmulatorRunner;
import dev.cairn.testing.SlurmCluster;
import dev.cairn.testing.UsesSlurm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A sweep with SCHEDULER=lsf on the test EMULATOR of LSF's commands (not IBM LSF; it runs the jobs
 * on the real single-node SLURM): trials go as job arrays split at the cluster's MAX_JOB_ARRAY_SIZE
 * (lowered to 3 here), each tick asks bjobs once for every element, and elements preempted
 * mid-training are resubmitted alone and resume from their own checkpoints while their siblings
 * finish.
 */
@UsesSlurm
class LsfArrayIT {
  static Path emulator;
  @TempDir Path tmp;
  private LoopHarness loop;
  private LsfEmulatorRunner runner;

  @BeforeAll
  static void cluster() {
    SlurmCluster.ensure();
    emulator = Fixtures.projectDir().resolve("agent/src/test/lsf-emulator/bin");
  }

  @BeforeEach
  void setUp() throws Exception {
    runner =
        new LsfEmulatorRunner(
            Map.of(
                "LSF_EMULATOR_STATE",
                tmp.resolve("lsf-state").toString(),
                "LSF_EMULATOR_MAX_JOB_ARRAY_SIZE",
                "3"));
    loop = new LoopHarness(tmp, Map.of("CAIRN_SCHEDULER_BIN_DIR", emulator.toString()), runner);
  }

  @AfterEach
  void tearDown() {
    loop.close();
  }

  @Test
  void sweep_runsAsArraysSplitAtMaxJobArraySize_andPreemptedElementsResume() throws Exception {
    String commit =
        loop.submit(
            "EXPERIMENT_NAME=lsf-array-it\nTRAINER=demo\nSCHEDULER=lsf\nTASKS=crop_classification\n"
                + "GEOFM=prithvi_eo_v1_100,prithvi_eo_v2_300\nSEED=1,2\nEPOCHS=40\n"
                + "LEARNING_RATE=5e-3\nGPUS_PER_JOB=0\nCPUS_PER_JOB=1\nMEMORY_PER_JOB=500M\n"
                + "TIME_LIMIT=10\nNUM_WORKERS=1\nSWEEP_MAX_PARALLEL=2\n");
    String trial = "crop_classification-prithvi_eo_v1_100-lr5e-3-s1-b8-e40";
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    while (true) {
      tick();
      Run run = loop.agent.runs().values().iterator().next();
      Path csv = Path.of(run.runDir()).resolve("predictions/" + trial + "/metrics.csv");
      if (Files.exists(csv) && Files.readAllLines(csv).size() > 4) {
        break;
      }
      assertTrue(System.nanoTime() < deadline, "the first element did not start training");
      Thread.sleep(500);
    }
    Run run = loop.agent.runs().values().iterator().next();
    String element = run.job(trial).schedulerId();
    assertTrue(element.matches("\\d+\\[1\\]"), element);
    assertEquals(
        List.of(List.of(emulator.resolve("bparams").toString(), "-a")),
        runner.calls("bparams"),
        "MAX_JOB_ARRAY_SIZE asked once");

    // a job of the high queue that needs the whole node preempts what runs there, the element too
    Path urgent = tmp.resolve("urgent.sh");
    Files.writeString(
        urgent,
        "#!/bin/bash\n#BSUB -J lsf-array-it-urgent\n#BSUB -q high\n#BSUB -n 2\n#BSUB -W 0:05\n"
            + "#BSUB -o "
            + tmp.resolve("urgent.out")
            + "\n#BSUB -R \"rusage[mem=200]\"\nsleep 2\n");
    CommandRunner.Result bsub =
        runner.run(
            List.of(emulator.resolve("bsub").toString()),
            Files.readString(urgent),
            runner.extra,
            false,
            Duration.ofSeconds(30));
    assertTrue(bsub.ok(), bsub.describe());

    deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
    while (tick()) {
      assertTrue(System.nanoTime() < deadline, "the run is still active after 5 minutes");
      Thread.sleep(1000);
    }

    JsonNode status = loop.status(commit);
    assertEquals("SUCCEEDED", status.get("state").asText(), status.toString());
    assertEquals(4, status.get("jobs").size());
    Set<String> arrays = new TreeSet<>();
    List<String> preempted = new ArrayList<>();
    for (JsonNode job : status.get("jobs")) {
      assertEquals("COMPLETED", job.get("state").asText(), job.toString());
      String first = firstSchedulerId(job);
      assertTrue(first.matches("\\d+\\[[1-3]\\]"), "first attempt as an element: " + job);
      arrays.add(first.replaceAll("\\[.*", ""));
      if (job.get("attempts").asInt() > 1) {
        preempted.add(job.get("trial").asText());
        assertEquals("PREEMPTED", job.get("history").get(0).get("state").asText(), job.toString());
        String last = job.get("scheduler_id").asText();
        assertTrue(last.matches("\\d+"), "resubmitted alone, as a plain job: " + job);
      }
    }
    assertEquals(2, arrays.size(), "four trials in arrays of at most three: " + arrays);
    assertTrue(preempted.contains(trial), "the element training when preempted: " + status);
    for (String t : preempted) {
      assertResumed(Path.of(run.runDir()), t);
    }
    assertTrue(runner.maxBjobsPerTick.get() == 1, "one bjobs a tick: " + runner.maxBjobsPerTick);
    assertEquals(1, runner.calls("bparams").size());
  }

  /** The attempt's epochs run on from the checkpoint: 0..39 once each, in order. */
  private static void assertResumed(Path runDir, String trial) throws IOException {
    List<String> rows = Files.readAllLines(runDir.resolve("predictions/" + trial + "/metrics.csv"));
    int trainLoss = List.of(rows.get(0).split(",")).indexOf("train/loss");
    List<Integer> epochs = new ArrayList<>();
    rows.subList(1, rows.size()).stream()
        .filter(r -> !r.split(",", -1)[trainLoss].isEmpty())
        .forEach(r -> epochs.add(Integer.parseInt(r.split(",")[0])));
    for (int i = 0; i < epochs.size(); i++) {
      assertEquals(i, epochs.get(i), trial + ": epochs continue after the preemption: " + epochs);
    }
    assertEquals(40, epochs.size(), trial);
    String out = Files.readString(runDir.resolve("out/" + trial + ".out"));
    assertTrue(out.contains("resuming from checkpoint at epoch"), out);
  }

  private static String firstSchedulerId(JsonNode job) {
    JsonNode history = job.get("history");
    if (history != null && history.size() > 0 && history.get(0).hasNonNull("scheduler_id")) {
      return history.get(0).get("scheduler_id").asText();
    }
    return job.get("scheduler_id").asText();
  }

  private boolean tick() throws Exception {
    runner.bjobsThisTick.set(0);
    boolean active = loop.agent.tick();
    int n = runner.bjobsThisTick.get();
    runner.maxBjobsPerTick.accumulateAndGet(n, Math::max);
    assertFalse(n > 1, "bjobs ran " + n + " times in one tick");
    return active;
  }
}
