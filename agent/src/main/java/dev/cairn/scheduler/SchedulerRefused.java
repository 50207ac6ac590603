package dev.cairn.scheduler;

import dev.cairn.CairnException;

/**
 * The scheduler answered and refused the job (an unknown partition or queue, a GPU the cluster
 * lacks): its words say why. Any other {@link CairnException} on submission is ours (a setting, a
 * job variable the scheduler cannot carry), and an {@code IOException} means no answer came.
 */
public final class SchedulerRefused extends CairnException {
  public SchedulerRefused(String message) {
    super(message);
  }
}
