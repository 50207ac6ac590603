package dev.cairn.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.config.AgentSettings;
import dev.cairn.model.JobState;
import dev.cairn.scheduler.Schedulers;
import dev.cairn.store.FileObjectStore;
import dev.cairn.testing.Fixtures;
import dev.cairn.testing.ScriptedRunner;
import dev.cairn.testing.TestAgents;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code STAGES=train,evaluate} on SLURM (its commands scripted): the evaluate job goes in at once
 * behind an afterok dependency; a resubmitted train job gets a new evaluate job; a failed one takes
 * its evaluate job with it; a dependency SLURM says can never be met ends the trial.
 */
class StagesTest {
  private static final String CONFIG =
      "EXPERIMENT_NAME=staged\nTRAINER=demo\nSCHEDULER=slurm\nTASKS=landslide\nGPUS_PER_JOB=0\n"
          + "STAGES=train,evaluate\nEVAL_PARTITION=short\n";

  @TempDir Path tmp;
  private final ScriptedRunner slurm = new ScriptedRunner();
  private Schedulers schedulers;
  private Agent agent;

  @BeforeEach
  void setUp() throws Exception {
    FileObjectStore store = new FileObjectStore(tmp.resolve("store"));
    AgentSettings settings = TestAgents.settings(tmp, store, Map.of());
    schedulers = new Schedulers(settings, Clock.systemUTC(), slurm);
    // the agent's announcement asks these at its own pace, outside the job's script
    slurm.answerAlways(List.of("sinfo"), "debug\n");
    slurm.answerAlways(List.of("scontrol", "show", "config"), "MaxArraySize = 1001\n");
    agent = TestAgents.agent(settings, store, schedulers, Fixtures.templates());
    TestAgents.queue(store, "e".repeat(40), CONFIG);
  }

  @AfterEach
  void tearDown() {
    schedulers.close();
  }

  private static String row(String id, String state, String reason) {
    return id + "|" + state + "|" + reason + "|0|0:05|0|" + id + "|N/A|cairn-x\n";
  }

  private Run run() {
    return agent.runs().values().iterator().next();
  }

  private JobRun job() {
    return run().jobs().get(0);
  }

  private List<String> last(int back) {
    return slurm.calls.get(slurm.calls.size() - back);
  }

  /**
   * What an agent killed while submitting the evaluate job leaves, whether or not sbatch took it:
   * the flag set and no id.
   */
  private JobRun evaluateSubmissionCutShort() {
    JobRun read = job();
    return run()
        .replace(
            read,
            read.evaluateCancelled()
                .evaluateSubmitting(Objects.requireNonNull(read.evaluateName())));
  }

  /** The first tick: the train job, then its evaluate job behind it; the train job runs. */
  private void submitBoth() throws Exception {
    slurm.answer(0, "500\n", "");
    slurm.answer(0, "501\n", "");
    slurm.answer(0, row("500", "RUNNING", "None"), "");
    agent.tick();
    List<String> evaluate = last(2);
    assertEquals("sbatch", evaluate.get(0));
    assertTrue(evaluate.contains("--dependency=afterok:500"), evaluate.toString());
    assertTrue(evaluate.get(evaluate.size() - 1).endsWith("/scripts/landslide-evaluate.sh"));
    assertEquals("train", job().stage());
    assertEquals("501", job().evaluateId());
  }

  @Test
  void trainSucceeds_theTrialGoesOnAsItsEvaluateJob() throws Exception {
    submitBoth();
    slurm.answer(0, row("500", "COMPLETED", "None"), "");
    agent.tick();
    assertEquals("evaluate", job().stage());
    assertEquals("501", job().schedulerId());
    assertEquals(JobState.PENDING, job().state());
    slurm.answer(0, row("501", "RUNNING", "None"), "");
    agent.tick();
    assertTrue(last(1).contains("--jobs=501"), last(1).toString());
    assertEquals(JobState.RUNNING, job().state());
  }

  @Test
  void trainNodeFailed_isResubmittedAndGetsANewEvaluateJob() throws Exception {
    submitBoth();
    slurm.answer(0, row("500", "NODE_FAIL", "None"), "");
    slurm.answer(0, "", ""); // scancel 501: it waited on a job that will never succeed
    agent.tick();
    assertEquals(List.of("scancel", "501"), last(1));
    slurm.answer(0, "502\n", "");
    slurm.answer(0, "503\n", "");
    slurm.answer(0, row("502", "PENDING", "Priority"), "");
    agent.tick();
    assertTrue(last(2).contains("--dependency=afterok:502"), last(2).toString());
    assertEquals("502", job().schedulerId());
    assertEquals("503", job().evaluateId());
    assertEquals(2, job().attempt());
  }

  @Test
  void trainFailsForGood_itsEvaluateJobIsCancelledAndTheTrialFails() throws Exception {
    submitBoth();
    slurm.answer(0, "500|FAILED|NonZeroExitCode|256|0:05|0|500|N/A|cairn-x\n", "");
    slurm.answer(0, "", "");
    agent.tick();
    assertEquals(List.of("scancel", "501"), last(1));
    assertEquals(JobState.FAILED, job().state());
    assertTrue(job().reason().contains("its evaluate job 501 was cancelled"), job().reason());
  }

  @Test
  void dependencyNeverSatisfied_endsTheTrialWithThatReason() throws Exception {
    submitBoth();
    slurm.answer(0, row("500", "COMPLETED", "None"), "");
    agent.tick();
    slurm.answer(0, row("501", "PENDING", "DependencyNeverSatisfied"), "");
    slurm.answer(0, "", ""); // SLURM would keep it queued for good
    agent.tick();
    assertEquals(List.of("scancel", "501"), last(1));
    assertEquals(JobState.FAILED, job().state());
    assertTrue(job().reason().startsWith("DependencyNeverSatisfied"), job().reason());
  }

  @Test
  void killedBetweenSubmittingTheEvaluateJobAndSavingItsId_findsItByName() throws Exception {
    submitBoth();
    // what an agent killed right after sbatch answered leaves: the flag set, no id
    JobRun job = evaluateSubmissionCutShort();
    slurm.answer(
        0,
        "501|PENDING|Dependency|0|0:00|0|501|N/A|" + job.evaluateName() + "\n",
        ""); // squeue --name: it went through
    slurm.answer(0, row("500", "RUNNING", "None"), "");
    agent.tick();
    assertTrue(last(2).contains("--name=" + job.evaluateName()), last(2).toString());
    assertEquals("501", job().evaluateId());
    assertEquals(
        2, slurm.calls.stream().filter(c -> c.get(0).equals("sbatch")).count(), "no new sbatch");
  }

  @Test
  void killedBeforeTheEvaluateSubmissionReachedTheScheduler_submitsItAgainBehindTheTrainJob()
      throws Exception {
    submitBoth();
    // what an agent killed before sbatch answered leaves: the flag set, no id, and no such job
    JobRun job = evaluateSubmissionCutShort();
    slurm.answer(0, "", ""); // squeue --name: no such job
    slurm.answerAlways(List.of("sacct"), ""); // nor in accounting
    slurm.answer(0, "502\n", "");
    slurm.answer(0, row("500", "RUNNING", "None"), "");
    agent.tick();
    assertTrue(last(3).contains("--name=" + job.evaluateName()), last(3).toString());
    List<String> again = last(2);
    assertEquals("sbatch", again.get(0));
    assertTrue(again.contains("--dependency=afterok:500"), again.toString());
    assertEquals("502", job().evaluateId());
    assertEquals(false, job().evaluateSubmitting());
    assertEquals("train", job().stage());
  }

  @Test
  void trainRequeuedPastMaxAttempts_cancelsTheTrainJobAndItsEvaluateJob() throws Exception {
    submitBoth();
    // SLURM requeued the train job itself (same id) once per default attempt and once more
    for (int restarts = 1; restarts <= 2; restarts++) {
      slurm.answer(0, "500|PENDING|BeginTime|0|0:00|" + restarts + "|500|N/A|cairn-x\n", "");
      agent.tick();
      slurm.answer(0, row("500", "RUNNING", "None"), "");
      agent.tick();
    }
    slurm.answer(0, "500|PENDING|BeginTime|0|0:00|3|500|N/A|cairn-x\n", "");
    slurm.answer(0, "", ""); // scancel 500
    slurm.answer(0, "", ""); // scancel 501
    agent.tick();
    assertEquals(List.of("scancel", "500"), last(2));
    assertEquals(List.of("scancel", "501"), last(1));
    assertEquals(JobState.FAILED, job().state());
    assertTrue(job().reason().contains("its evaluate job 501 was cancelled"), job().reason());
  }
}
