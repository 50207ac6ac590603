package dev.cairn.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.model.JobState;
import dev.cairn.model.RunState;
import dev.cairn.plan.JobSpec;
import dev.cairn.scheduler.JobStatus;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * The poll step's decisions as a table: what each scheduler answer means for a job, from the job,
 * the answer and {@code MAX_ATTEMPTS} alone. No run, scheduler or file is involved.
 */
class VerdictTest {
  private static final BooleanSupplier NO_CHECKPOINT = () -> false;
  private static final BooleanSupplier CHECKPOINT = () -> true;

  /** A job of stage {@code stage} on attempt {@code attempt}, its current one submitted as 7. */
  private static JobRun job(@Nullable String stage, int attempt) {
    JobRun job = JobRun.planned("landslide", null, Map.of(), Map.of(), "slurm", null, stage, null);
    for (int a = 1; a < attempt; a++) {
      job =
          job.submitted(String.valueOf(a))
              .reported(JobState.NODE_FAIL, "NodeFail")
              .resubmitted("resubmitting after NODE_FAIL");
    }
    return job.submitted("7");
  }

  private static JobRun running(int attempt) {
    return job(null, attempt).reported(JobState.RUNNING, null);
  }

  private static JobStatus answer(JobState state, @Nullable String reason) {
    return new JobStatus("7", state, reason, null, 60L, 50L, 900L);
  }

  private static Verdict of(JobRun job, JobState state, int max, BooleanSupplier checkpoint) {
    return Verdict.of(job, answer(state, null), max, checkpoint, RunState.RUNNING);
  }

  @Test
  void anInfrastructureFailure_isResubmittedUntilTheLastAttempt() {
    for (JobState failure :
        List.of(JobState.NODE_FAIL, JobState.PREEMPTED, JobState.BOOT_FAIL, JobState.LOST)) {
      assertEquals(new Verdict.Resubmit(2, 3), of(running(1), failure, 3, NO_CHECKPOINT));
      assertEquals(new Verdict.Resubmit(3, 3), of(running(2), failure, 3, NO_CHECKPOINT));
      assertEquals(
          new Verdict.Ended(failure + " on the last of 3 attempts", false),
          of(running(3), failure, 3, NO_CHECKPOINT));
    }
  }

  @Test
  void aTimeout_isResubmittedOnlyWithACheckpointToResumeFrom() {
    assertEquals(new Verdict.Resubmit(2, 3), of(running(1), JobState.TIMEOUT, 3, CHECKPOINT));
    assertEquals(
        new Verdict.Ended("time limit reached and no checkpoint to resume from", false),
        of(running(1), JobState.TIMEOUT, 3, NO_CHECKPOINT));
    assertEquals(
        new Verdict.Ended("TIMEOUT on the last of 3 attempts", false),
        of(running(3), JobState.TIMEOUT, 3, CHECKPOINT));
  }

  @Test
  void aFailureOfTheJobsOwn_endsItAtOnce_andTheCheckpointIsNotLookedFor() {
    AtomicInteger asked = new AtomicInteger();
    BooleanSupplier counting =
        () -> {
          asked.incrementAndGet();
          return true;
        };
    for (JobState own :
        List.of(JobState.FAILED, JobState.OUT_OF_MEMORY, JobState.CANCELLED, JobState.DEADLINE)) {
      assertEquals(new Verdict.Ended(null, false), of(running(1), own, 3, counting));
    }
    assertEquals(new Verdict.Ended(null, false), of(running(1), JobState.COMPLETED, 3, counting));
    assertEquals(0, asked.get(), "only a timeout asks for a checkpoint (a file system walk)");
  }

  @Test
  void aJobThatCanNeverStart_isCancelledAsItEnds() {
    Verdict verdict =
        Verdict.of(
            job(JobSpec.EVALUATE, 1),
            answer(JobState.FAILED, JobStatus.NEVER_SATISFIED),
            3,
            NO_CHECKPOINT,
            RunState.RUNNING);
    assertEquals(new Verdict.Ended(null, true), verdict);
  }

  @Test
  void aCompletedTrainJob_goesOnAsItsEvaluateJob_andAnyOtherCompletedJobEnds() {
    JobRun training = job(JobSpec.TRAIN, 1);
    assertEquals(new Verdict.Trained(), of(training, JobState.COMPLETED, 3, NO_CHECKPOINT));
    assertEquals(
        new Verdict.Ended(null, false),
        of(job(JobSpec.EVALUATE, 1), JobState.COMPLETED, 3, NO_CHECKPOINT));
  }

  @Test
  void aStoppingJob_endsStopped_unlessItCompletedFirst() {
    JobRun stopping = running(1).stopRequested("stopped early: behind at epoch 2");
    assertEquals(
        new Verdict.Stopped("stopped early: behind at epoch 2"),
        of(stopping, JobState.CANCELLED, 3, NO_CHECKPOINT));
    assertEquals(
        new Verdict.Stopped("stopped early: behind at epoch 2"),
        of(stopping, JobState.NODE_FAIL, 3, NO_CHECKPOINT),
        "a stopped trial is never resubmitted");
    assertEquals(
        new Verdict.Ended(null, false),
        of(stopping, JobState.COMPLETED, 3, NO_CHECKPOINT),
        "it ran to its end before the cancel reached it");
  }

  @Test
  void aRequeue_isTheNextAttempt_andPastTheLastOneTheJobFails() {
    assertEquals(
        new Verdict.Requeued(2, 3, false), of(running(1), JobState.REQUEUED, 3, NO_CHECKPOINT));
    assertEquals(
        new Verdict.Requeued(4, 3, true), of(running(3), JobState.REQUEUED, 3, NO_CHECKPOINT));
    JobRun requeued = running(1).reported(JobState.REQUEUED, "Prolog");
    assertEquals(
        new Verdict.Moved(false),
        Verdict.of(
            requeued, answer(JobState.REQUEUED, "BeginTime"), 3, NO_CHECKPOINT, RunState.RUNNING),
        "a new reason for the same requeue counts no attempt");
  }

  @Test
  void aJobStillGoing_isUnchangedOrMoved_andTheFirstToRunStartsTheRun() {
    JobRun pending = job(null, 1);
    assertEquals(
        new Verdict.Unchanged(),
        Verdict.of(pending, answer(JobState.PENDING, null), 3, NO_CHECKPOINT, RunState.SUBMITTED));
    assertEquals(
        new Verdict.Moved(false),
        Verdict.of(
            pending, answer(JobState.PENDING, "Priority"), 3, NO_CHECKPOINT, RunState.SUBMITTED));
    assertEquals(
        new Verdict.Moved(true),
        Verdict.of(pending, answer(JobState.RUNNING, null), 3, NO_CHECKPOINT, RunState.SUBMITTED));
    assertEquals(
        new Verdict.Moved(false),
        Verdict.of(pending, answer(JobState.RUNNING, null), 3, NO_CHECKPOINT, RunState.RUNNING));
  }

  @Provide
  Arbitrary<JobState> answers() {
    return Arbitraries.of(Arrays.stream(JobState.values()).filter(s -> s != JobState.NEW).toList());
  }

  @Provide
  Arbitrary<String> stages() {
    return Arbitraries.of(JobSpec.ALL, JobSpec.TRAIN, JobSpec.EVALUATE);
  }

  /**
   * Whatever the answer: no attempt past {@code MAX_ATTEMPTS}, an ended answer always ends the
   * attempt and one still going never does, only infrastructure failures and checkpointed timeouts
   * are retried, and a stopping trial is never retried.
   */
  @Property(tries = 2000)
  void noAnswerRetriesPastTheLimitOrAJobOfItsOwnFailure(
      @ForAll("answers") JobState state,
      @ForAll("stages") String stage,
      @ForAll @IntRange(min = 1, max = 5) int attempt,
      @ForAll @IntRange(min = 1, max = 5) int max,
      @ForAll boolean checkpointed,
      @ForAll boolean stopping,
      @ForAll boolean firstToRun) {
    JobRun job = job(stage, attempt);
    if (stopping) {
      job = job.stopRequested("stopped early");
    }
    Verdict verdict =
        Verdict.of(
            job,
            answer(state, null),
            max,
            () -> checkpointed,
            firstToRun ? RunState.SUBMITTED : RunState.RUNNING);
    boolean endsAttempt =
        verdict instanceof Verdict.Stopped
            || verdict instanceof Verdict.Trained
            || verdict instanceof Verdict.Resubmit
            || verdict instanceof Verdict.Ended;
    assertEquals(state.isTerminal(), endsAttempt, state + " gave " + verdict);
    if (verdict instanceof Verdict.Resubmit resubmit) {
      assertTrue(resubmit.next() == attempt + 1 && resubmit.next() <= max, verdict.toString());
      assertTrue(
          state.isInfrastructureFailure() || (state == JobState.TIMEOUT && checkpointed),
          state + " is not retried");
      assertFalse(stopping, "a stopping trial is not retried");
    }
    if (verdict instanceof Verdict.Stopped) {
      assertTrue(stopping && state != JobState.COMPLETED, verdict.toString());
    }
    if (verdict instanceof Verdict.Trained) {
      assertTrue(state == JobState.COMPLETED && JobSpec.TRAIN.equals(stage), verdict.toString());
    }
    if (verdict instanceof Verdict.Requeued requeued) {
      assertEquals(requeued.next() > max, requeued.tooOften());
    }
    if (verdict instanceof Verdict.Moved moved) {
      assertEquals(state == JobState.RUNNING && firstToRun, moved.startsRun());
    }
  }
}
