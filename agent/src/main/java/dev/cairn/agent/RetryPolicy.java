package dev.cairn.agent;

import dev.cairn.Faults;
import dev.cairn.collect.JobExit;
import dev.cairn.metrics.Metrics;
import dev.cairn.model.Attempt;
import dev.cairn.model.JobState;
import dev.cairn.model.RunState;
import dev.cairn.plan.JobSpec;
import dev.cairn.scheduler.JobStatus;
import dev.cairn.scheduler.Schedulers;
import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies what the scheduler reports to a run's jobs, and decides what an ended job deserves:
 * preempted, node-failed and boot-failed jobs are resubmitted to resume from their checkpoint; a
 * timeout only where a checkpoint exists; anything else ends the job. Attempts are bounded by
 * {@code MAX_ATTEMPTS}, whether the agent or the scheduler (a requeue) started them.
 */
final class RetryPolicy {
  private static final Logger log = LoggerFactory.getLogger(RetryPolicy.class);
  private final Metrics metrics;
  private final Faults faults;
  private final Plans plans;
  private final Schedulers schedulers;
  private final RunBook book;
  private final Stages stages;

  RetryPolicy(
      Plans plans,
      Schedulers schedulers,
      RunBook book,
      Stages stages,
      Metrics metrics,
      Faults faults) {
    this.metrics = metrics;
    this.faults = faults;
    this.plans = plans;
    this.schedulers = schedulers;
    this.book = book;
    this.stages = stages;
  }

  /** Applies the scheduler's answers to the run's jobs; saves the run when anything changed. */
  void apply(Run run, Map<String, JobStatus> statuses) throws InterruptedException {
    boolean changed = false;
    for (JobRun job : run.jobs()) {
      if (job.schedulerId() == null || job.isDone()) {
        continue;
      }
      JobStatus status = statuses.get(job.schedulerId());
      if (status == null) {
        continue;
      }
      if (status.state() == JobState.LOST) {
        status = ownWords(run, job, status);
      }
      if (status.state() == job.state()
          && Objects.equals(status.reason(), job.reason())
          && !status.state().isTerminal()) {
        job.usage(status.elapsedSeconds(), status.maxRssMb());
        continue;
      }
      changed = true;
      String stopping = job.stopping();
      if (stopping != null && status.state().isTerminal() && status.state() != JobState.COMPLETED) {
        // early stopping's cancel took effect: the trial ends STOPPED, never retried or failed
        job.accounted(
            status.exitCode(), status.elapsedSeconds(), status.cpuSeconds(), status.maxRssMb());
        job.attemptEnded(
            new Attempt(
                job.attempt(),
                job.schedulerId(),
                status.state(),
                stopping,
                status.exitCode(),
                status.elapsedSeconds()));
        job.stopped(stopping);
        metrics.jobEnded(job.scheduler(), JobState.STOPPED.name());
        log.info("run {}: {} {}", run.runId(), job.id(), stopping);
        continue;
      }
      boolean requeuedBefore = job.state() == JobState.REQUEUED;
      job.reported(status.state(), status.reason());
      job.accounted(
          status.exitCode(), status.elapsedSeconds(), status.cpuSeconds(), status.maxRssMb());
      if (status.state() == JobState.REQUEUED && !requeuedBefore) {
        requeued(run, job, status);
      }
      if (status.state().isTerminal()) {
        ended(run, job, status);
      } else if (status.state() == JobState.RUNNING && run.state() == RunState.SUBMITTED) {
        run.started();
      }
    }
    if (changed) {
      faults.at("job-status");
      run.says(progress(run));
      book.save(run);
    }
  }

  /**
   * The scheduler requeued the job itself (SLURM after a preemption or node failure): the same job
   * id starts again and resumes from its checkpoint. It counts as an attempt.
   */
  private void requeued(Run run, JobRun job, JobStatus status) throws InterruptedException {
    job.requeued(
        new Attempt(
            job.attempt(),
            job.schedulerId(),
            JobState.REQUEUED,
            "requeued by the scheduler"
                + (status.reason() == null ? "" : " (" + status.reason() + ")"),
            status.exitCode(),
            status.elapsedSeconds()));
    metrics.resubmitted(job.scheduler(), JobState.REQUEUED.name());
    int max = plans.of(run).config().maxAttempts();
    log.info(
        "run {}: {} job {} was requeued by the scheduler; attempt {} of {} resumes from its"
            + " checkpoint",
        run.runId(),
        job.task(),
        job.schedulerId(),
        job.attempt(),
        max);
    if (job.attempt() > max) {
      try {
        schedulers.get(job.scheduler()).cancel(List.of(job.schedulerId()));
      } catch (IOException e) {
        log.warn(
            "run {}: cannot cancel {} after too many requeues: {}",
            run.runId(),
            job.schedulerId(),
            e.getMessage());
      }
      job.requeuedTooOften(max, "requeued more often than MAX_ATTEMPTS=" + max + " allows");
      if (JobSpec.TRAIN.equals(job.stage())) {
        stages.trainStopped(run, job, false);
      }
    }
  }

  private void ended(Run run, JobRun job, JobStatus status) throws InterruptedException {
    metrics.jobEnded(job.scheduler(), status.state().name());
    job.attemptEnded(
        new Attempt(
            job.attempt(),
            job.schedulerId(),
            status.state(),
            status.reason(),
            status.exitCode(),
            status.elapsedSeconds()));
    int max = plans.of(run).config().maxAttempts();
    boolean retry =
        status.state().isInfrastructureFailure()
            || (status.state() == JobState.TIMEOUT && plans.hasCheckpoint(run, job));
    if (status.neverStarts()) {
      // the scheduler would keep it queued for good
      stages.cancelQuietly(run, job, job.submittedAs());
    }
    boolean training = JobSpec.TRAIN.equals(job.stage());
    if (training && status.state() == JobState.COMPLETED) {
      stages.trained(run, job, status);
      return;
    }
    if (training) {
      stages.trainStopped(run, job, retry && job.attempt() < max);
    }
    if (retry && job.attempt() < max) {
      log.info(
          "run {}: {} job {} ended {}{}; resubmitting as attempt {} of {} to resume from its"
              + " checkpoint",
          run.runId(),
          job.task(),
          job.schedulerId(),
          status.state(),
          status.reason() == null ? "" : " (" + status.reason() + ")",
          job.attempt() + 1,
          max);
      metrics.resubmitted(job.scheduler(), status.state().name());
      job.resubmitted("resubmitting after " + status.state());
      try {
        plans.writeScript(run, plans.spec(run, job));
      } catch (IOException e) {
        job.failed("cannot render the next attempt: " + e.getMessage());
      }
      return;
    }
    if (retry) {
      job.explained(status.state() + " on the last of " + max + " attempts");
    } else if (status.state() == JobState.TIMEOUT) {
      job.explained("time limit reached and no checkpoint to resume from");
    }
    log.info(
        "run {}: {} job {} ended {}", run.runId(), job.task(), job.schedulerId(), status.state());
  }

  /**
   * A job the scheduler no longer knows (SLURM without accounting forgets an ended job after {@code
   * MinJobAge}; LSF after {@code CLEAN_PERIOD}) ended while the agent was away. Its script's own
   * exit record settles how, if it names this very job and no stop request: otherwise the job is
   * LOST and resubmitted to resume from its checkpoint, which is safe because it is not running.
   */
  private JobStatus ownWords(Run run, JobRun job, JobStatus lost) {
    JobSpec spec = plans.spec(run, job);
    Optional<JobExit> exit = JobExit.read(spec.outputDir(), spec.stage());
    if (exit.isEmpty()
        || !exit.get().jobId().equals(job.schedulerId())
        || exit.get().wasStopped()) {
      return lost;
    }
    int code = exit.get().exitCode();
    log.info(
        "run {}: {} job {} is no longer known to the scheduler ({}); its own {} says it exited {}",
        run.runId(),
        job.id(),
        job.schedulerId(),
        lost.reason(),
        JobExit.file(spec.stage()),
        code);
    return new JobStatus(
        job.submittedAs(),
        code == 0 ? JobState.COMPLETED : JobState.FAILED,
        "ended while the agent was away; exit code "
            + code
            + " from the job's "
            + JobExit.file(spec.stage()),
        code,
        lost.elapsedSeconds(),
        lost.cpuSeconds(),
        lost.maxRssMb());
  }

  /** Counts of jobs by state: "2 RUNNING, 1 PENDING". */
  static String progress(Run run) {
    Map<JobState, Long> counts = new EnumMap<>(JobState.class);
    run.jobs().forEach(j -> counts.merge(j.state(), 1L, Long::sum));
    List<String> parts = new ArrayList<>();
    counts.forEach((s, n) -> parts.add(n + " " + s));
    return String.join(", ", parts);
  }
}
