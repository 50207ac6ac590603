package dev.cairn.agent;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.scheduler.CommandRunner;
import dev.cairn.scheduler.ExecCommandRunner;
import dev.cairn.testing.Fixtures;
import dev.cairn.testing.LoopHarness;
import dev.cairn.testing.LsfEmulatorRunner;
import dev.cairn.testing.SlurmCluster;
import dev.cairn.testing.UsesSlurm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code STAGES=train,evaluate} on the real SLURM (and on the LSF emulator over it): the evaluate
 * job starts only after its train job succeeded, the chain finishes while the agent is down, and a
 * train job that fails takes its evaluate job with it.
 */
@UsesSlurm
class StagesIT {
  private static final String CONFIG =
      "EXPERIMENT_NAME=stages-it\nTRAINER=demo\nTASKS=landslide\nEPOCHS=3\nLEARNING_RATE=5e-3\n"
          + "GPUS_PER_JOB=0\nCPUS_PER_JOB=1\nMEMORY_PER_JOB=1G\nTIME_LIMIT=10\nNUM_WORKERS=1\n"
          + "STAGES=train,evaluate\nEVAL_PARTITION=high\n";

  static SlurmCluster cluster;
  @TempDir Path tmp;

  @BeforeAll
  static void cluster() {
    cluster = SlurmCluster.ensure();
  }

  @Test
  void slurm_chainFinishesWhileTheAgentIsDown_evaluateAfterTrain() throws Exception {
    chainFinishesWhileTheAgentIsDown("slurm", Map.of(), new ExecCommandRunner());
  }

  @Test
  void lsfEmulator_chainFinishesWhileTheAgentIsDown_evaluateAfterTrain() throws Exception {
    Path emulator = Fixtures.projectDir().resolve("agent/src/test/lsf-emulator/bin");
    chainFinishesWhileTheAgentIsDown(
        "lsf",
        Map.of("CAIRN_SCHEDULER_BIN_DIR", emulator.toString()),
        new LsfEmulatorRunner(Map.of("LSF_EMULATOR_STATE", tmp.resolve("lsf").toString())));
  }

  private void chainFinishesWhileTheAgentIsDown(
      String scheduler, Map<String, String> settings, CommandRunner runner) throws Exception {
    String commit;
    Path out;
    try (LoopHarness first = new LoopHarness(tmp, settings, runner)) {
      commit = first.submit(CONFIG + "SCHEDULER=" + scheduler + "\n");
      first.agent.tick();
      JobRun job = first.agent.runs().values().iterator().next().jobs().get(0);
      // both jobs went in the first tick; on a loaded machine the train job can complete before
      // that tick's poll, which then moves the trial on to its evaluate job already queued
      if ("train".equals(job.stage())) {
        assertTrue(job.schedulerId() != null && job.evaluateId() != null, job.evaluateId());
      } else {
        assertEquals("evaluate", job.stage());
        assertTrue(job.schedulerId() != null, "its evaluate job, submitted behind the train job");
        assertEquals(1, job.history().size(), "the train job's attempt: " + job.history());
      }
      out = Path.of(first.agent.runs().values().iterator().next().runDir()).resolve("out");
    } // the agent goes down with both jobs queued
    Path log = out.resolve("landslide.out");
    await()
        .atMost(Duration.ofMinutes(3))
        .pollInterval(Duration.ofSeconds(1))
        .until(() -> Files.exists(log) && Files.readString(log).contains(" evaluate on "));
    await()
        .atMost(Duration.ofMinutes(2))
        .pollInterval(Duration.ofSeconds(1))
        .until(
            () -> Files.readString(log).lines().filter(l -> l.endsWith(" finished")).count() == 2);
    List<String> lines = Files.readAllLines(log);
    int trained = indexOf(lines, "trained 3 epochs");
    int evaluating = indexOf(lines, " evaluate on ");
    assertTrue(trained >= 0 && evaluating > trained, "evaluate after train: " + lines);

    try (LoopHarness second = new LoopHarness(tmp, settings, runner)) {
      second.runUntilIdle(Duration.ofMinutes(2));
      JsonNode status = second.status(commit);
      JsonNode job = status.get("jobs").get(0);
      assertEquals("COMPLETED", job.get("state").asText(), status.toString());
      assertTrue(job.get("metrics").has("test/mIoU"), job.toString());
      assertEquals(2, job.get("history").size(), "train, then evaluate: " + job);
      assertEquals(1, job.get("attempts").asInt(), job.toString());
    }
  }

  @Test
  void slurm_sweepArrayWithStages_finishesWhileTheAgentIsDown_eachJobStartedOnce()
      throws Exception {
    String commit;
    Path runDir;
    List<String> trials;
    try (LoopHarness first = new LoopHarness(tmp, Map.of())) {
      commit = first.submit(CONFIG + "SCHEDULER=slurm\nSEED=1,2\n");
      first.agent.tick();
      Run run = first.agent.runs().values().iterator().next();
      runDir = Path.of(run.runDir());
      trials = run.jobs().stream().map(JobRun::id).toList();
      for (JobRun job : run.jobs()) {
        assertTrue(
            job.schedulerId().matches("\\d+_[01]"), "an array element: " + job.schedulerId());
        assertTrue(job.evaluateId() != null, job.id());
      }
    } // the agent goes down while the array and its evaluate jobs are queued or running
    for (String trial : trials) {
      Path log = runDir.resolve("out/" + trial + ".out");
      await()
          .atMost(Duration.ofMinutes(3))
          .pollInterval(Duration.ofSeconds(1))
          .until(
              () ->
                  Files.exists(log)
                      && Files.readString(log).lines().filter(l -> l.endsWith(" finished")).count()
                          == 2);
    }
    try (LoopHarness second = new LoopHarness(tmp, Map.of())) {
      second.runUntilIdle(Duration.ofMinutes(2));
      JsonNode status = second.status(commit);
      assertEquals("SUCCEEDED", status.get("state").asText(), status.toString());
    }
    for (String trial : trials) {
      List<String> starts =
          Files.readAllLines(runDir.resolve("out/" + trial + ".out")).stream()
              .filter(l -> l.startsWith("cairn: ") && l.contains(" attempt "))
              .toList();
      assertEquals(2, starts.size(), "one train and one evaluate start: " + starts);
    }
  }

  @Test
  void slurm_trainCancelled_endsTheTrialAndItsEvaluateJobNeverRuns() throws Exception {
    trainCancelled("slurm", Map.of(), new ExecCommandRunner(), List.of("scancel"));
  }

  @Test
  void lsfEmulator_trainKilled_endsTheTrialAndItsEvaluateJobNeverRuns() throws Exception {
    Path emulator = Fixtures.projectDir().resolve("agent/src/test/lsf-emulator/bin");
    trainCancelled(
        "lsf",
        Map.of("CAIRN_SCHEDULER_BIN_DIR", emulator.toString()),
        new LsfEmulatorRunner(Map.of("LSF_EMULATOR_STATE", tmp.resolve("lsf").toString())),
        List.of(emulator.resolve("bkill").toString()));
  }

  private void trainCancelled(
      String scheduler, Map<String, String> settings, CommandRunner runner, List<String> kill)
      throws Exception {
    try (LoopHarness loop = new LoopHarness(tmp, settings, runner)) {
      String commit =
          loop.submit(
              CONFIG.replace("EPOCHS=3", "EPOCHS=400")
                  + "SCHEDULER="
                  + scheduler
                  + "\nMAX_ATTEMPTS=1\n");
      loop.agent.tick();
      JobRun job = loop.agent.runs().values().iterator().next().jobs().get(0);
      String train = job.schedulerId();
      String evaluate = job.evaluateId();
      List<String> command = new java.util.ArrayList<>(kill);
      command.add(train);
      var cancelled = runner.run(command, null, Map.of(), false, Duration.ofSeconds(30));
      assertTrue(cancelled.ok(), cancelled.describe());
      loop.runUntilIdle(Duration.ofMinutes(2));
      JsonNode status = loop.status(commit);
      assertEquals("FAILED", status.get("state").asText(), status.toString());
      String reason = status.get("jobs").get(0).get("reason").asText();
      assertTrue(reason.contains("its evaluate job " + evaluate + " was cancelled"), reason);
      Path log =
          Path.of(loop.agent.runs().values().iterator().next().runDir())
              .resolve("out/landslide.out");
      assertTrue(
          !Files.exists(log) || !Files.readString(log).contains(" evaluate on "),
          "the evaluate job never ran");
    }
  }

  private static int indexOf(List<String> lines, String part) {
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).contains(part)) {
        return i;
      }
    }
    return -1;
  }
}
