package dev.cairn.agent;

import dev.cairn.Faults;
import dev.cairn.collect.JobExit;
import dev.cairn.metrics.Metrics;
import dev.cairn.model.Attempt;
import dev.cairn.model.JobState;
import dev.cairn.plan.JobSpec;
import dev.cairn.scheduler.JobStatus;
import dev.cairn.scheduler.Schedulers;
import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
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

  /**
   * Applies the scheduler's answers to the run's jobs: each answer's {@link Verdict} is decided,
   * then carried out; the run is saved once, when any verdict changed it.
   */
  void apply(Run run, Map<String, JobStatus> statuses) throws InterruptedException {
    boolean changed = false;
    int max = plans.of(run).config().maxAttempts();
    for (JobRun job : run.jobs()) {
      if (job.schedulerId() == null || job.isDone()) {
        continue;
      }
      JobStatus answer = statuses.get(job.schedulerId());
      if (answer == null) {
        continue;
      }
      JobStatus status = answer.state() == JobState.LOST ? ownWords(run, job, answer) : answer;
      Verdict verdict =
          Verdict.of(job, status, max, () -> plans.hasCheckpoint(run, job), run.state());
      changed |= !(verdict instanceof Verdict.Unchanged);
      carryOut(run, job, status, verdict);
    }
    if (changed) {
      faults.at("job-status");
      run.says(progress(run));
      book.save(run);
    }
  }

  /**
   * The one place the poll step changes a job: what {@code verdict} says, in the run's record. Each
   * change is the job's next value, put in the run in place of the last.
   */
  private void carryOut(Run run, JobRun job, JobStatus status, Verdict verdict)
      throws InterruptedException {
    if (verdict instanceof Verdict.Unchanged) {
      run.replace(job, job.usage(status.elapsedSeconds(), status.maxRssMb()));
    } else if (verdict instanceof Verdict.Stopped stopped) {
      run.replace(
          job,
          job.accounted(
                  status.exitCode(),
                  status.elapsedSeconds(),
                  status.cpuSeconds(),
                  status.maxRssMb())
              .attemptEnded(attempt(job, status, stopped.why()))
              .stopped(stopped.why()));
      metrics.jobEnded(job.scheduler(), JobState.STOPPED.name());
      log.info("run {}: {} {}", run.runId(), job.id(), stopped.why());
    } else if (verdict instanceof Verdict.Moved moved) {
      run.replace(job, reported(job, status));
      if (moved.startsRun()) {
        run.started();
      }
    } else if (verdict instanceof Verdict.Requeued requeued) {
      requeued(run, run.replace(job, reported(job, status)), status, requeued);
    } else if (verdict instanceof Verdict.Trained) {
      stages.trained(run, run.replace(job, ended(reported(job, status), status)), status);
    } else if (verdict instanceof Verdict.Resubmit resubmit) {
      resubmit(run, run.replace(job, ended(reported(job, status), status)), status, resubmit);
    } else if (verdict instanceof Verdict.Ended end) {
      JobRun now = run.replace(job, ended(reported(job, status), status));
      if (end.cancelQueued()) {
        // the scheduler would keep it queued for good
        stages.cancelQuietly(run, now, now.submittedAs());
      }
      if (JobSpec.TRAIN.equals(now.stage())) {
        now = stages.trainStopped(run, now, false);
      }
      String explanation = end.explanation();
      if (explanation != null) {
        now = run.replace(now, now.explained(explanation));
      }
      log.info(
          "run {}: {} job {} ended {}", run.runId(), now.task(), now.schedulerId(), status.state());
    } else {
      throw new IllegalStateException("a verdict not carried out: " + verdict);
    }
  }

  private static JobRun reported(JobRun job, JobStatus status) {
    return job.reported(status.state(), status.reason())
        .accounted(
            status.exitCode(), status.elapsedSeconds(), status.cpuSeconds(), status.maxRssMb());
  }

  /** An attempt that ended: counted and kept in the job's history. */
  private JobRun ended(JobRun job, JobStatus status) {
    metrics.jobEnded(job.scheduler(), status.state().name());
    return job.attemptEnded(attempt(job, status, status.reason()));
  }

  private static Attempt attempt(JobRun job, JobStatus status, @Nullable String why) {
    return new Attempt(
        job.attempt(),
        job.schedulerId(),
        status.state(),
        why,
        status.exitCode(),
        status.elapsedSeconds());
  }

  /**
   * The scheduler requeued the job itself (SLURM after a preemption or node failure): the same job
   * id starts again and resumes from its checkpoint. It counts as an attempt.
   */
  private void requeued(Run run, JobRun job, JobStatus status, Verdict.Requeued verdict)
      throws InterruptedException {
    JobRun now =
        run.replace(
            job,
            job.requeued(
                new Attempt(
                    job.attempt(),
                    job.schedulerId(),
                    JobState.REQUEUED,
                    "requeued by the scheduler"
                        + (status.reason() == null ? "" : " (" + status.reason() + ")"),
                    status.exitCode(),
                    status.elapsedSeconds())));
    metrics.resubmitted(now.scheduler(), JobState.REQUEUED.name());
    log.info(
        "run {}: {} job {} was requeued by the scheduler; attempt {} of {} resumes from its"
            + " checkpoint",
        run.runId(),
        now.task(),
        now.schedulerId(),
        verdict.next(),
        verdict.max());
    if (verdict.tooOften()) {
      try {
        schedulers.get(now.scheduler()).cancel(List.of(now.submittedAs()));
      } catch (IOException e) {
        log.warn(
            "run {}: cannot cancel {} after too many requeues: {}",
            run.runId(),
            now.schedulerId(),
            e.getMessage());
      }
      now =
          run.replace(
              now,
              now.requeuedTooOften(
                  verdict.max(),
                  "requeued more often than MAX_ATTEMPTS=" + verdict.max() + " allows"));
      if (JobSpec.TRAIN.equals(now.stage())) {
        stages.trainStopped(run, now, false);
      }
    }
  }

  /** Submitted again as the next attempt, its script rendered to resume from its checkpoint. */
  private void resubmit(Run run, JobRun job, JobStatus status, Verdict.Resubmit verdict)
      throws InterruptedException {
    JobRun now = job;
    if (JobSpec.TRAIN.equals(now.stage())) {
      now = stages.trainStopped(run, now, true);
    }
    log.info(
        "run {}: {} job {} ended {}{}; resubmitting as attempt {} of {} to resume from its"
            + " checkpoint",
        run.runId(),
        now.task(),
        now.schedulerId(),
        status.state(),
        status.reason() == null ? "" : " (" + status.reason() + ")",
        verdict.next(),
        verdict.max());
    metrics.resubmitted(now.scheduler(), status.state().name());
    now = run.replace(now, now.resubmitted("resubmitting after " + status.state()));
    try {
      plans.writeScript(run, plans.spec(run, now));
    } catch (IOException e) {
      run.replace(now, now.failed("cannot render the next attempt: " + e.getMessage()));
    }
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
