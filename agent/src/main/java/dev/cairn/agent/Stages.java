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
      if (job.evaluateSubmitting() && job.evaluateId() == null) {
        lookUp(run, job);
      }
      if (job.evaluateId() == null && !job.evaluateSubmitting()) {
        submit(run, job);
      }
    }
  }

  private void submit(Run run, JobRun job) throws InterruptedException {
    JobSpec spec = Plans.evaluate(plans.of(run), plans.spec(run, job));
    Scheduler scheduler = schedulers.get(job.scheduler());
    try {
      plans.writeScript(run, spec);
      job.evaluateSubmitting(spec.jobName());
      book.save(run);
      String id = scheduler.submit(Submitter.submission(spec, job.schedulerId()));
      job.evaluateSubmitted(id);
      book.save(run);
      log.info(
          "run {}: {} evaluate job {} waits for train job {}",
          run.runId(),
          job.id(),
          id,
          job.schedulerId());
    } catch (CairnException e) {
      // the scheduler refused the evaluate job (an unknown EVAL_PARTITION): training is useless
      job.evaluateSettled();
      String reason =
          e instanceof SchedulerRefused
              ? "the evaluate job was refused: " + e.getMessage()
              : "the evaluate job cannot be submitted: " + e.getMessage();
      cancelQuietly(run, job, job.submittedAs());
      job.failed(reason);
      book.save(run);
      log.warn("run {}: {}: {}", run.runId(), job.id(), reason);
    } catch (IOException e) {
      log.warn("run {}: submitting {} failed: {}", run.runId(), spec.jobName(), e.getMessage());
      lookUp(run, job);
    }
  }

  /** After a crash between submitting an evaluate job and saving its id: found by its name. */
  private void lookUp(Run run, JobRun job) throws InterruptedException {
    String name =
        Objects.requireNonNull(job.evaluateName(), "named before its submission was asked");
    if (Submitter.byName(schedulers, run, job, name, job::evaluateSubmitted)) {
      book.save(run);
    }
  }

  /**
   * The train job succeeded: the trial goes on as its evaluate job, which the scheduler may have
   * started already (or finished, while the agent was down). Without one (its submission was
   * refused or lost), the evaluate job is submitted as a job of its own.
   */
  void trained(Run run, JobRun job, JobStatus status) {
    String evaluate = job.evaluateId();
    job.trained(
        evaluate,
        "trained as job "
            + status.schedulerId()
            + (evaluate == null
                ? "; submitting its evaluate job"
                : "; evaluating as job " + evaluate));
    log.info("run {}: {} {}", run.runId(), job.id(), job.reason());
  }

  /**
   * The train job ended without success: its evaluate job can never start. When the agent resubmits
   * the train job, the evaluate job is submitted again behind the new one; when the trial fails, it
   * ends with it.
   */
  void trainStopped(Run run, JobRun job, boolean resubmitting) throws InterruptedException {
    String evaluate = job.evaluateId();
    if (evaluate == null) {
      return;
    }
    cancelQuietly(run, job, evaluate);
    job.evaluateCancelled();
    if (!resubmitting) {
      job.explained(
          (job.reason() == null ? job.state().name() : job.reason())
              + "; its evaluate job "
              + evaluate
              + " was cancelled");
    }
  }

  void cancelQuietly(Run run, JobRun job, String id) throws InterruptedException {
    try {
      schedulers.get(job.scheduler()).cancel(List.of(id));
    } catch (IOException e) {
      log.warn("run {}: cannot cancel job {}: {}", run.runId(), id, e.getMessage());
    }
  }
}
