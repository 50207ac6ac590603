package dev.cairn.scheduler;

import java.io.IOException;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A batch scheduler as the agent drives it: submit, one batched status query per tick, cancel. Each
 * implementation comes with its plug-in, a {@link SchedulerProvider} in the {@link
 * SchedulerRegistry}.
 */
public interface Scheduler extends AutoCloseable {

  /** Its plug-in's name ({@link SchedulerProvider#name()}): picks the directive template. */
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

  /**
   * The most elements one job array may have here, or 0 where this scheduler runs no arrays (then
   * each trial is a job of its own). An array's script names its range in its directives.
   */
  default int maxArraySize() throws IOException, InterruptedException {
    return 0;
  }

  /**
   * The partitions (SLURM) or queues (LSF) that jobs may be sent to here, as the agent announces
   * them to the bucket, or empty where this scheduler has none: an optional capability, asked only
   * for the announcement, never on the way of a job.
   */
  default List<String> partitions() throws IOException, InterruptedException {
    return List.of();
  }

  /** The id by which status and cancel know element {@code index} of an array. */
  default String arrayElementId(String arrayId, int index) {
    throw new UnsupportedOperationException(name() + " runs no job arrays");
  }

  /** Asks the scheduler to stop the jobs; jobs already ended are ignored. */
  void cancel(Collection<String> schedulerIds) throws IOException, InterruptedException;

  @Override
  default void close() {}
}
