package dev.cairn.model;

/**
 * Job states of every scheduler, mapped onto SLURM's vocabulary (the richest of the three). LSF's
 * and the local scheduler's states map into these.
 */
public enum JobState {
  /** Known to the agent, not yet accepted by the scheduler. */
  NEW(false),
  PENDING(false),
  /** Requeued by the scheduler itself (SLURM's requeue after preemption or node failure). */
  REQUEUED(false),
  RUNNING(false),
  SUSPENDED(false),
  /** Ending: the scheduler is still cleaning up. */
  COMPLETING(false),
  COMPLETED(true),
  FAILED(true),
  CANCELLED(true),
  TIMEOUT(true),
  NODE_FAIL(true),
  PREEMPTED(true),
  BOOT_FAIL(true),
  OUT_OF_MEMORY(true),
  DEADLINE(true),
  /** The scheduler no longer knows the job and nothing says how it ended. */
  LOST(true),
  /**
   * Stopped by the agent's early stopping ({@code EARLY_STOP=asha}) at a rung where it fell behind
   * the trials of its task: cancelled on purpose with its checkpoints kept, neither a failure nor a
   * cancelled run. No scheduler reports it.
   */
  STOPPED(true);

  private final boolean terminal;

  JobState(boolean terminal) {
    this.terminal = terminal;
  }

  public boolean isTerminal() {
    return terminal;
  }

  /** Ended through no fault of the job: resubmit so that it resumes from its checkpoint. */
  public boolean isInfrastructureFailure() {
    return this == PREEMPTED || this == NODE_FAIL || this == BOOT_FAIL || this == LOST;
  }
}
