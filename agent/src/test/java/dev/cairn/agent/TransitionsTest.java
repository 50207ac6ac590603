package dev.cairn.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.cairn.model.Attempt;
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
    JobRun job =
        job()
            .submitted("7")
            .reported(JobState.RUNNING, null)
            .reported(JobState.NODE_FAIL, "NodeFail");
    assertEquals(JobState.NODE_FAIL, job.state());
    JobRun next = job.resubmitted("resubmitting after NODE_FAIL");
    assertEquals(JobState.NEW, next.state());
    assertEquals(2, next.attempt());
    assertNull(next.schedulerId());
  }

  @Test
  void aTransition_returnsTheNextValue_andLeavesTheOneItCameFromAsItWas() {
    JobRun planned = job();
    JobRun submitted = planned.submitted("7");
    JobRun failed = submitted.reported(JobState.FAILED, "exit 1").attemptEnded(attempt(1, "7"));
    assertEquals(JobState.NEW, planned.state());
    assertNull(planned.schedulerId());
    assertEquals(JobState.PENDING, submitted.state());
    assertEquals(List.of(), submitted.history());
    assertEquals(JobState.FAILED, failed.state());
    assertEquals(1, failed.history().size());
    assertThrows(
        UnsupportedOperationException.class,
        () -> failed.history().add(attempt(2, "8")),
        "a value's history cannot be changed from outside");
  }

  @Test
  void anEndedJob_refusesToStartAgainOrToFail() {
    JobRun job = job().submitted("7").reported(JobState.COMPLETED, null);
    IllegalTransition e =
        assertThrows(IllegalTransition.class, () -> job.reported(JobState.RUNNING, null));
    assertEquals("COMPLETED", e.from());
    assertEquals("RUNNING", e.to());
    assertEquals(
        "job landslide cannot go from COMPLETED to RUNNING: the job ended already", e.getMessage());
    assertThrows(IllegalTransition.class, () -> job.failed("late"));
    assertThrows(IllegalTransition.class, () -> job.resubmitted("again"));
    assertThrows(IllegalTransition.class, () -> job.submitted("8"));
    assertSame(job, job.cancelled("cancelled"), "cancelling leaves an ended job as it ended");
  }

  @Test
  void aStoppingJob_endsStoppedOrCompleted_andAnEndedJobRefusesToStop() {
    JobRun stopping =
        job()
            .submitted("7")
            .reported(JobState.RUNNING, null)
            .stopRequested("stopped early: behind at epoch 1");
    assertEquals(JobState.RUNNING, stopping.state(), "until the scheduler says it ended");
    JobRun stopped = stopping.stopped("stopped early: behind at epoch 1");
    assertEquals(JobState.STOPPED, stopped.state());
    assertNull(stopped.stopping());
    assertThrows(IllegalTransition.class, () -> stopped.stopped("again"));

    JobRun late =
        job()
            .submitted("8")
            .stopRequested("stopped early: behind at epoch 1")
            .reported(JobState.COMPLETED, null);
    assertNull(late.stopping(), "it ran to its end before the cancel reached it");
    assertThrows(IllegalTransition.class, () -> late.stopRequested("too late"));
  }

  @Test
  void onlyACompletedTrainJob_movesOnToEvaluate() {
    JobRun job =
        JobRun.planned("landslide", null, Map.of(), Map.of(), "slurm", null, "train", null)
            .submitted("7");
    assertThrows(IllegalTransition.class, () -> job.trained("8", "early"));
    JobRun evaluating =
        job.reported(JobState.COMPLETED, null)
            .evaluateSubmitted("8")
            .trained("8", "trained as job 7");
    assertEquals("evaluate", evaluating.stage());
    assertEquals("8", evaluating.schedulerId());
    assertEquals(JobState.PENDING, evaluating.state());
  }

  @Test
  void aRun_takesAJobsNextValue_onlyInPlaceOfItsCurrentOne() {
    Run run = Runs.run("r");
    run.prepared("slurm", List.of(job(), Runs.job("crops", null)));
    JobRun read = run.job("landslide");
    JobRun submitted = run.replace(read, read.submitted("7"));
    assertSame(submitted, run.job("landslide"));
    assertEquals("crops", run.jobs().get(1).id(), "the other job keeps its place");
    IllegalStateException stale =
        assertThrows(IllegalStateException.class, () -> run.replace(read, read.failed("late")));
    assertEquals(
        "job landslide of run r changed since this value of it was read: act on the run's value",
        stale.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> run.replace(submitted, Runs.job("crops", null)),
        "a job never takes another's place");
    assertEquals(JobState.PENDING, run.job("landslide").state());
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
    JobRun done = job().submitted("1").reported(JobState.COMPLETED, null);
    JobRun waiting = job().submitted("2");
    run.prepared("slurm", List.of(done, waiting));
    run.planned("submitting");
    run.cancelled("wrong data");
    assertEquals(RunState.CANCELLED, run.state());
    assertSame(done, run.jobs().get(0), "an ended job stays as it ended");
    assertEquals(JobState.CANCELLED, run.jobs().get(1).state());
    assertEquals("wrong data", run.jobs().get(1).reason());
    assertEquals(JobState.PENDING, waiting.state(), "the value read before is as it was");
  }

  private static Attempt attempt(int n, String id) {
    return new Attempt(n, id, JobState.FAILED, "exit 1", 1, 60L);
  }
}
