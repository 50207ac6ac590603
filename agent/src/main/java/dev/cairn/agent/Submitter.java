package dev.cairn.agent;

import dev.cairn.CairnException;
import dev.cairn.metrics.Metrics;
import dev.cairn.plan.JobSpec;
import dev.cairn.publish.Attempt;
import dev.cairn.scheduler.JobState;
import dev.cairn.scheduler.JobSubmission;
import dev.cairn.scheduler.Scheduler;
import dev.cairn.scheduler.Schedulers;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands jobs to their scheduler. A job is flagged as submitting before the call and cleared after,
 * so that an agent killed in between looks the job up by its unique name instead of submitting it
 * twice.
 */
final class Submitter {
  private static final Logger log = LoggerFactory.getLogger(Submitter.class);
  private final Plans plans;
  private final Schedulers schedulers;
  private final RunBook book;

  Submitter(Plans plans, Schedulers schedulers, RunBook book) {
    this.plans = plans;
    this.schedulers = schedulers;
    this.book = book;
  }

  /** Submits every job of the run that waits for it. */
  void submitDue(Run run) throws InterruptedException {
    for (JobRun job : run.jobs) {
      if (job.state == JobState.NEW && job.schedulerId == null) {
        submit(run, job);
      }
    }
  }

  private void submit(Run run, JobRun job) throws InterruptedException {
    JobSpec spec = plans.spec(run, job);
    job.jobName = spec.jobName();
    job.submitting = true;
    book.save(run);
    Scheduler scheduler = schedulers.get(job.scheduler);
    try {
      // the scheduler opens the job's out and err files before the script runs
      Files.createDirectories(spec.outFile().getParent());
      Files.createDirectories(spec.errFile().getParent());
      Files.createDirectories(spec.outputDir());
      Files.createDirectories(spec.checkpointDir());
      String id =
          scheduler.submit(
              new JobSubmission(
                  spec.jobName(),
                  spec.script(),
                  spec.runDir(),
                  spec.outFile(),
                  spec.errFile(),
                  Map.of()));
      job.schedulerId = id;
      Metrics.attempt(job.scheduler);
      job.submitting = false;
      job.state = JobState.PENDING;
      job.reason = null;
      run.message = "jobs submitted to " + job.scheduler;
      book.save(run);
      log.info(
          "run {}: {} attempt {} submitted as {} job {}",
          run.runId,
          job.task,
          job.attempt,
          job.scheduler,
          id);
    } catch (CairnException e) {
      // the scheduler refused the script (an unknown partition, a GPU the cluster lacks): the job
      // fails with the scheduler's words and the daemon goes on
      job.submitting = false;
      job.state = JobState.FAILED;
      job.reason = e.getMessage();
      job.history.add(new Attempt(job.attempt, null, JobState.FAILED, e.getMessage(), null, null));
      book.save(run);
      log.warn(
          "run {}: {} was refused by {}: {}", run.runId, job.task, job.scheduler, e.getMessage());
    } catch (IOException e) {
      // the submission may or may not have reached the scheduler: keep the flag, look it up
      log.warn("run {}: submitting {} failed: {}", run.runId, job.task, e.getMessage());
      lookUp(run, job);
    }
  }

  /** After a crash: jobs whose submission may or may not have gone through are found by name. */
  void recover(Iterable<Run> active) throws InterruptedException {
    for (Run run : active) {
      for (JobRun job : run.jobs) {
        if (job.submitting && job.schedulerId == null) {
          lookUp(run, job);
        }
      }
    }
  }

  private void lookUp(Run run, JobRun job) throws InterruptedException {
    try {
      schedulers
          .get(job.scheduler)
          .findByName(job.jobName)
          .ifPresent(
              id -> {
                log.info("run {}: found {} submitted as job {}", run.runId, job.jobName, id);
                job.schedulerId = id;
                job.state = JobState.PENDING;
              });
      job.submitting = false;
      book.save(run);
    } catch (IOException e) {
      log.warn("run {}: cannot look up {} yet: {}", run.runId, job.jobName, e.getMessage());
    }
  }
}
