package dev.cairn.agent;

import dev.cairn.model.JobState;
import dev.cairn.model.RunState;
import dev.cairn.plan.JobSpec;
import dev.cairn.scheduler.JobStatus;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;

/**
 * What one scheduler answer means for one job: the poll step's decision as a value. {@link #of}
 * decides it from the job, the answer and the run's limits alone (no scheduler, file or clock), and
 * {@link RetryPolicy} carries it out and saves the run once for all its jobs. So the table of what
 * an ended job deserves is tested on its own, and a carried-out verdict is the only way the poll
 * step changes a job.
 */
sealed interface Verdict {

  /** Still queued or running as last reported: only the scheduler's figures are kept. */
  record Unchanged() implements Verdict {}

  /**
   * Early stopping's cancel took effect ({@code why} is its reason): the trial ends STOPPED, never
   * retried nor failed.
   */
  record Stopped(String why) implements Verdict {}

  /**
   * A new state or reason short of the end (queued, running, suspended); {@code startsRun} when it
   * is the run's first job to run.
   */
  record Moved(boolean startsRun) implements Verdict {}

  /**
   * The scheduler requeued the job itself: the same job id resumes from its checkpoint as attempt
   * {@code next}; past {@code max} ({@code tooOften}) it is cancelled and fails instead.
   */
  record Requeued(int next, int max, boolean tooOften) implements Verdict {}

  /** The train stage completed: the trial goes on as its evaluate job. */
  record Trained() implements Verdict {}

  /**
   * Ended for the infrastructure's sake (or at its time limit with a checkpoint written): submitted
   * again as attempt {@code next} of {@code max} to resume from its checkpoint.
   */
  record Resubmit(int next, int max) implements Verdict {}

  /**
   * Ended for good. {@code explanation} says why where the scheduler's words do not (the last
   * attempt, a time limit without a checkpoint); {@code cancelQueued} when the scheduler keeps the
   * job queued although it can never start.
   */
  record Ended(@Nullable String explanation, boolean cancelQueued) implements Verdict {}

  /**
   * The verdict on {@code job} (submitted and not ended) given the scheduler's {@code answer}.
   *
   * @param maxAttempts the run's {@code MAX_ATTEMPTS}
   * @param checkpointed whether the trial wrote a checkpoint to resume from; asked only of an
   *     answer of {@link JobState#TIMEOUT}
   * @param run the run's state, to tell its first running job
   */
  static Verdict of(
      JobRun job, JobStatus answer, int maxAttempts, BooleanSupplier checkpointed, RunState run) {
    JobState now = answer.state();
    if (now == job.state() && Objects.equals(answer.reason(), job.reason()) && !now.isTerminal()) {
      return new Unchanged();
    }
    String stopping = job.stopping();
    if (stopping != null && now.isTerminal() && now != JobState.COMPLETED) {
      return new Stopped(stopping);
    }
    if (now == JobState.REQUEUED && job.state() != JobState.REQUEUED) {
      int next = job.attempt() + 1;
      return new Requeued(next, maxAttempts, next > maxAttempts);
    }
    if (!now.isTerminal()) {
      return new Moved(now == JobState.RUNNING && run == RunState.SUBMITTED);
    }
    if (now == JobState.COMPLETED && JobSpec.TRAIN.equals(job.stage())) {
      return new Trained();
    }
    boolean retry =
        now.isInfrastructureFailure() || (now == JobState.TIMEOUT && checkpointed.getAsBoolean());
    if (retry && job.attempt() < maxAttempts) {
      return new Resubmit(job.attempt() + 1, maxAttempts);
    }
    String explanation = null;
    if (retry) {
      explanation = now + " on the last of " + maxAttempts + " attempts";
    } else if (now == JobState.TIMEOUT) {
      explanation = "time limit reached and no checkpoint to resume from";
    }
    return new Ended(explanation, answer.neverStarts());
  }
}
