package dev.cairn.scheduler;

import dev.cairn.scheduler.local.LocalScheduler;
import dev.cairn.scheduler.lsf.LsfScheduler;
import dev.cairn.scheduler.slurm.SlurmScheduler;
import java.io.IOException;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;

/**
 * A batch scheduler as the agent drives it: submit, one batched status query per tick, cancel.
 * Implementations: {@link SlurmScheduler}, {@link LsfScheduler}, {@link LocalScheduler}.
 */
public interface Scheduler extends AutoCloseable {

  /** {@code slurm}, {@code lsf} or {@code local}: picks the directive template. */
  String name();

  /** Submits the script; returns the scheduler's job id. */
  String submit(JobSubmission submission) throws IOException, InterruptedException;

  /**
   * The state of every given job in one query (or as few as the scheduler allows). A job missing
   * from the answer is one whose state could not be learnt this time; a failing query throws rather
   * than reporting jobs finished.
   */
  Map<String, JobStatus> status(Collection<String> schedulerIds)
      throws IOException, InterruptedException;

  /**
   * Finds a job by the name it was submitted with, to learn after a crash whether a submission went
   * through.
   */
  Optional<String> findByName(String jobName) throws IOException, InterruptedException;

  /** Asks the scheduler to stop the jobs; jobs already ended are ignored. */
  void cancel(Collection<String> schedulerIds) throws IOException, InterruptedException;

  @Override
  default void close() {}
}
