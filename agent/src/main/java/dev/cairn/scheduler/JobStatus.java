package dev.cairn.scheduler;

import dev.cairn.model.JobState;
import org.jspecify.annotations.Nullable;

/**
 * What the scheduler says about one job at one moment. Numbers unknown to the scheduler are null.
 *
 * @param reason the scheduler's reason (a PENDING reason such as {@code Priority}, an exit reason)
 * @param elapsedSeconds wall time so far or in total
 * @param cpuSeconds CPU time used, where the scheduler accounts it
 * @param maxRssMb peak resident memory in MiB
 */
public record JobStatus(
    String schedulerId,
    JobState state,
    @Nullable String reason,
    @Nullable Integer exitCode,
    @Nullable Long elapsedSeconds,
    @Nullable Long cpuSeconds,
    @Nullable Long maxRssMb) {

  /** The reason of a job that will never start: the job it depends on did not succeed. */
  public static final String NEVER_SATISFIED =
      "DependencyNeverSatisfied: the job it waits for did not succeed";

  /** A job its scheduler keeps queued although it can never start: it must be cancelled. */
  public boolean neverStarts() {
    return state == JobState.FAILED && reason != null && reason.startsWith(NEVER_SATISFIED);
  }

  public static JobStatus of(String schedulerId, JobState state) {
    return new JobStatus(schedulerId, state, null, null, null, null, null);
  }

  public JobStatus withState(JobState newState, @Nullable String newReason) {
    return new JobStatus(
        schedulerId, newState, newReason, exitCode, elapsedSeconds, cpuSeconds, maxRssMb);
  }
}
