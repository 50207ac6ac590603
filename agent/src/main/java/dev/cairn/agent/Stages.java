package dev.cairn.agent;

import dev.cairn.CairnException;
import dev.cairn.plan.JobSpec;
import dev.cairn.scheduler.JobStatus;
import dev.cairn.scheduler.Scheduler;
import dev.cairn.scheduler.SchedulerRefused;
import dev.cairn.scheduler.Schedulers;
import java.io.IOException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code STAGES=train,evaluate}: each trial's evaluate job is submitted as soon as its train job
 * has an id, with the scheduler's own dependency on it (SLURM {@code --dependency=afterok:}, LSF
 * {@code -w 'done()'}), so the chain goes on while the agent is down. A train job the agent
 * resubmits under a new id would strand its dependent: that evaluate job is cancelled and submitted
 * again behind the new one. A train job that fails for good takes its evaluate job with it.
 */
final class Stages {
  private static final Logger log = LoggerFactory.getLogger(Stages.class);
  private final Plans plans;
  private final Schedulers schedulers;
  private final RunBook book;

  Stages(Plans plans, Schedulers schedulers, RunBook book) {
    this.plans = plans;
    this.schedulers = schedulers;
    this.book = book;
  }

  /** Submits the evaluate job of every training trial that has none yet and is not stopping. */
  void submitEvaluations(Run run) throws InterruptedException {
    for (JobRun job : run.jobs()) {
      if (!JobSpec.TRAIN.equals(job.stage())
          || job.schedulerId() == null
          || job.isDone()
          || job.stopping() != null) {
        continue;
      }
      JobRun now = job;
      if (now.evaluateSubmitting() && now.evaluateId() == null) {
        now = lookUp(run, now);
      }
      if (now.evaluateId() == null && !now.evaluateSubmitting()) {
        submit(run, now);
      }
    }
  }

  private void submit(Run run, JobRun job) throws InterruptedException {
    JobSpec spec = Plans.evaluate(plans.of(run), plans.spec(run, job));
    Scheduler scheduler = schedulers.get(job.scheduler());
    JobRun now = job;
    try {
      plans.writeScript(run, spec);
      now = run.replace(now, now.evaluateSubmitting(spec.jobName()));
      book.save(run);
      String id = scheduler.submit(Submitter.submission(spec, now.schedulerId()));
      now = run.replace(now, now.evaluateSubmitted(id));
      book.save(run);
      log.info(
          "run {}: {} evaluate job {} waits for train job {}",
          run.runId(),
          now.id(),
          id,
          now.schedulerId());
    } catch (CairnException e) {
      // the scheduler refused the evaluate job (an unknown EVAL_PARTITION): training is useless
      String reason =
          e instanceof SchedulerRefused
              ? "the evaluate job was refused: " + e.getMessage()
              : "the evaluate job cannot be submitted: " + e.getMessage();
      cancelQuietly(run, now, now.submittedAs());
      run.replace(now, now.evaluateSettled().failed(reason));
      book.save(run);
      log.warn("run {}: {}: {}", run.runId(), now.id(), reason);
    } catch (IOException e) {
      log.warn("run {}: submitting {} failed: {}", run.runId(), spec.jobName(), e.getMessage());
      lookUp(run, now);
    }
  }

  /**
   * After a crash between submitting an evaluate job and saving its id, or a submission whose
   * answer was lost: found by its name, or known not to exist and submitted again next tick.
   * Returns the job's value now.
   */
  private JobRun lookUp(Run run, JobRun job) throws InterruptedException {
    String name =
        Objects.requireNonNull(job.evaluateName(), "named before its submission was asked");
    Optional<String> found;
    try {
      found = Submitter.byName(schedulers, run, job, name);
    } catch (IOException e) {
      log.warn("run {}: cannot look up {} yet: {}", run.runId(), name, e.getMessage());
      return job;
    }
    JobRun now =
        run.replace(job, found.map(job::evaluateSubmitted).orElseGet(job::evaluateSettled));
    book.save(run);
    return now;
  }

  /**
   * The train job succeeded: the trial goes on as its evaluate job, which the scheduler may have
   * started already (or finished, while the agent was down). Without one (its submission was
   * refused or lost), the evaluate job is submitted as a job of its own.
   */
  void trained(Run run, JobRun job, JobStatus status) {
    String evaluate = job.evaluateId();
    JobRun now =
        run.replace(
            job,
            job.trained(
                evaluate,
                "trained as job "
                    + status.schedulerId()
                    + (evaluate == null
                        ? "; submitting its evaluate job"
                        : "; evaluating as job " + evaluate)));
    log.info("run {}: {} {}", run.runId(), now.id(), now.reason());
  }

  /**
   * The train job ended without success: its evaluate job can never start. When the agent resubmits
   * the train job, the evaluate job is submitted again behind the new one; when the trial fails, it
   * ends with it. Returns the job's value now.
   */
  JobRun trainStopped(Run run, JobRun job, boolean resubmitting) throws InterruptedException {
    String evaluate = job.evaluateId();
    if (evaluate == null) {
      return job;
    }
    cancelQuietly(run, job, evaluate);
    JobRun next = job.evaluateCancelled();
    if (!resubmitting) {
      next =
          next.explained(
              (job.reason() == null ? job.state().name() : job.reason())
                  + "; its evaluate job "
                  + evaluate
                  + " was cancelled");
    }
    return run.replace(job, next);
  }

  void cancelQuietly(Run run, JobRun job, String id) throws InterruptedException {
    try {
      schedulers.get(job.scheduler()).cancel(List.of(id));
    } catch (IOException e) {
      log.warn("run {}: cannot cancel job {}: {}", run.runId(), id, e.getMessage());
    }
  }
}
