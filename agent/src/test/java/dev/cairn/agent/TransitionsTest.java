package dev.cairn.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.cairn.model.JobState;
import dev.cairn.model.RunState;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each transition of a run or a job moves it on, or refuses with what it was asked and why. */
class TransitionsTest {
  private static JobRun job() {
    return Runs.job("landslide", null);
  }

  @Test
  void aJob_isSubmittedRunsEndsAndIsResubmittedAsTheNextAttempt() {
    JobRun job = job();
    job.submitted("7");
    assertEquals(JobState.PENDING, job.state());
    job.reported(JobState.RUNNING, null);
    job.reported(JobState.NODE_FAIL, "NodeFail");
    job.resubmitted("resubmitting after NODE_FAIL");
    assertEquals(JobState.NEW, job.state());
    assertEquals(2, job.attempt());
    assertNull(job.schedulerId());
  }

  @Test
  void anEndedJob_refusesToStartAgainOrToFail() {
    JobRun job = job();
    job.submitted("7");
    job.reported(JobState.COMPLETED, null);
    IllegalTransition e =
        assertThrows(IllegalTransition.class, () -> job.reported(JobState.RUNNING, null));
    assertEquals("COMPLETED", e.from());
    assertEquals("RUNNING", e.to());
    assertEquals(
        "job landslide cannot go from COMPLETED to RUNNING: the job ended already", e.getMessage());
    assertThrows(IllegalTransition.class, () -> job.failed("late"));
    assertThrows(IllegalTransition.class, () -> job.resubmitted("again"));
    assertThrows(IllegalTransition.class, () -> job.submitted("8"));
    job.cancelled("cancelled");
    assertEquals(JobState.COMPLETED, job.state(), "cancelling leaves an ended job as it ended");
  }

  @Test
  void aStoppingJob_endsStoppedOrCompleted_andAnEndedJobRefusesToStop() {
    JobRun stopping = job();
    stopping.submitted("7");
    stopping.reported(JobState.RUNNING, null);
    stopping.stopRequested("stopped early: behind at epoch 1");
    assertEquals(JobState.RUNNING, stopping.state(), "until the scheduler says it ended");
    stopping.stopped("stopped early: behind at epoch 1");
    assertEquals(JobState.STOPPED, stopping.state());
    assertNull(stopping.stopping());
    assertThrows(IllegalTransition.class, () -> stopping.stopped("again"));

    JobRun late = job();
    late.submitted("8");
    late.stopRequested("stopped early: behind at epoch 1");
    late.reported(JobState.COMPLETED, null);
    assertNull(late.stopping(), "it ran to its end before the cancel reached it");
    assertThrows(IllegalTransition.class, () -> late.stopRequested("too late"));
  }

  @Test
  void onlyACompletedTrainJob_movesOnToEvaluate() {
    JobRun job = new JobRun("landslide", null, Map.of(), Map.of(), "slurm", null, "train", null);
    job.submitted("7");
    assertThrows(IllegalTransition.class, () -> job.trained("8", "early"));
    job.reported(JobState.COMPLETED, null);
    job.evaluateSubmitted("8");
    job.trained("8", "trained as job 7");
    assertEquals("evaluate", job.stage());
    assertEquals("8", job.schedulerId());
    assertEquals(JobState.PENDING, job.state());
  }

  @Test
  void aRun_goesFromPlannedThroughPublishingToItsOutcome() {
    Run run = Runs.run("r");
    assertThrows(IllegalTransition.class, run::started, "not planned yet");
    run.planned("submitting 1 job(s) to slurm");
    run.started();
    assertThrows(IllegalTransition.class, () -> run.publishing("early", "t"));
    run.collecting("collecting outputs");
    run.decided(RunState.SUCCEEDED, "1 of 1 task(s) completed");
    run.publishing("publishing outputs", "2026-12-01T10:00:00Z");
    run.ended();
    assertEquals(RunState.SUCCEEDED, run.state());
    assertEquals("1 of 1 task(s) completed", run.message());
    IllegalTransition e = assertThrows(IllegalTransition.class, () -> run.cancelled("late"));
    assertEquals(
        "run r cannot go from SUCCEEDED to CANCELLED: the run ended already", e.getMessage());
  }

  @Test
  void cancellingARun_endsTheJobsStillWaitingOrRunning() {
    Run run = Runs.run("r");
    JobRun done = job();
    done.submitted("1");
    done.reported(JobState.COMPLETED, null);
    JobRun waiting = job();
    waiting.submitted("2");
    run.prepared("slurm", List.of(done, waiting));
    run.planned("submitting");
    run.cancelled("wrong data");
    assertEquals(RunState.CANCELLED, run.state());
    assertEquals(JobState.COMPLETED, done.state());
    assertEquals(JobState.CANCELLED, waiting.state());
    assertEquals("wrong data", waiting.reason());
  }
}
