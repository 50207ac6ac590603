package dev.cairn.agent;

import dev.cairn.CairnException;
import dev.cairn.Faults;
import dev.cairn.metrics.Metrics;
import dev.cairn.model.JobState;
import dev.cairn.plan.JobSpec;
import dev.cairn.scheduler.JobSubmission;
import dev.cairn.scheduler.Scheduler;
import dev.cairn.scheduler.SchedulerRefused;
import dev.cairn.scheduler.Schedulers;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands jobs to their scheduler. A job is flagged as submitting before the call and cleared after,
 * so that an agent killed in between looks the job up by its unique name instead of submitting it
 * twice.
 */
final class Submitter {
  private static final Logger log = LoggerFactory.getLogger(Submitter.class);
  private final Metrics metrics;
  private final Faults faults;
  private final Plans plans;
  private final Schedulers schedulers;
  private final RunBook book;
  private final ArraySubmitter arrays;
  private final Stages stages;

  Submitter(
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
    this.arrays = new ArraySubmitter(plans, schedulers, book, faults);
    this.stages = stages;
  }

  /**
   * Submits every job of the run that waits for it, at most {@code SWEEP_MAX_PARALLEL} of the run's
   * trials in the scheduler at once where the config sets it; then the evaluate job behind each
   * train job that has none.
   */
  void submitDue(Run run) throws InterruptedException {
    submitTrials(run);
    stages.submitEvaluations(run);
  }

  private void submitTrials(Run run) throws InterruptedException {
    for (JobRun job : run.jobs()) {
      // an array whose submission failed half-way: found by its name, or submitted again
      if (job.submitting() && job.schedulerId() == null && job.arrayIndex() != null) {
        lookUp(run, job);
      }
    }
    arrays.submitArrays(run);
    int cap = plans.of(run).config().sweepMaxParallel();
    long active = run.jobs().stream().filter(j -> j.schedulerId() != null && !j.isDone()).count();
    for (JobRun job : run.jobs()) {
      if (cap > 0 && active >= cap) {
        return;
      }
      if (job.state() == JobState.NEW
          && job.schedulerId() == null
          && !(job.submitting() && job.arrayIndex() != null)) {
        if (submit(run, job).schedulerId() != null) {
          active++;
        }
      }
    }
  }

  /** Submits the job as a job of its own; returns its value now. */
  private JobRun submit(Run run, JobRun job) throws InterruptedException {
    JobSpec spec = plans.spec(run, job);
    JobRun now = run.replace(job, job.submitting(spec.jobName()));
    book.save(run);
    Scheduler scheduler = schedulers.get(now.scheduler());
    try {
      // the scheduler opens the job's out and err files before the script runs
      Files.createDirectories(spec.outFile().getParent());
      Files.createDirectories(spec.errFile().getParent());
      Files.createDirectories(spec.outputDir());
      Files.createDirectories(spec.checkpointDir());
      faults.at("submit");
      String id = scheduler.submit(submission(spec, null));
      faults.at("submitted");
      now = run.replace(now, now.submitted(id));
      metrics.attempt(now.scheduler());
      run.says("jobs submitted to " + now.scheduler());
      book.save(run);
      log.info(
          "run {}: {} attempt {} submitted as {} job {}",
          run.runId(),
          now.task(),
          now.attempt(),
          now.scheduler(),
          id);
      return now;
    } catch (CairnException e) {
      // the scheduler refused the script (an unknown partition, a GPU the cluster lacks), or a
      // setting keeps it from being submitted at all: the job fails with those words and the
      // daemon goes on
      String reason = refusal(e);
      now = run.replace(now, now.submissionRefused(reason));
      book.save(run);
      log.warn("run {}: {} on {}: {}", run.runId(), now.task(), now.scheduler(), reason);
      return now;
    } catch (IOException e) {
      // the submission may or may not have reached the scheduler: keep the flag, look it up
      log.warn("run {}: submitting {} failed: {}", run.runId(), now.task(), e.getMessage());
      return lookUp(run, now);
    }
  }

  /**
   * Why a submission ended in a {@code CairnException}: the scheduler's own words where it refused
   * the job, else what on this side kept it from being submitted.
   */
  static String refusal(CairnException e) {
    String said = Objects.requireNonNullElse(e.getMessage(), e.getClass().getSimpleName());
    return e instanceof SchedulerRefused ? said : "the job cannot be submitted: " + said;
  }

  /** The id of a job found by name: an array's element by its index. */
  private String elementOf(JobRun job, String found) {
    if (job.arrayIndex() == null) {
      return found;
    }
    return schedulers.get(job.scheduler()).arrayElementId(found.split("_", 2)[0], job.arrayIndex());
  }

  /** After a crash: jobs whose submission may or may not have gone through are found by name. */
  void recover(Iterable<Run> active) throws InterruptedException {
    for (Run run : active) {
      for (JobRun job : run.jobs()) {
        if (job.submitting() && job.schedulerId() == null) {
          lookUp(run, job);
        }
      }
    }
  }

  /**
   * Asks the scheduler for a job whose submission may or may not have gone through: found, it is
   * submitted under the id found; not found, its flag is cleared and it is submitted again. When
   * the scheduler cannot be asked, the flag stays for the next tick. Returns the job's value now.
   */
  private JobRun lookUp(Run run, JobRun job) throws InterruptedException {
    String name = Objects.requireNonNull(job.jobName(), "named before its submission was asked");
    Optional<String> found;
    try {
      found = byName(schedulers, run, job, name);
    } catch (IOException e) {
      log.warn("run {}: cannot look up {} yet: {}", run.runId(), name, e.getMessage());
      return job;
    }
    JobRun now =
        run.replace(
            job,
            found.map(id -> job.submitted(elementOf(job, id))).orElseGet(job::submissionSettled));
    book.save(run);
    return now;
  }

  /** The job's script, paths and name as its scheduler takes them, behind {@code afterOk}. */
  static JobSubmission submission(JobSpec spec, @Nullable String afterOk) {
    return new JobSubmission(
        spec.jobName(),
        spec.script(),
        spec.runDir(),
        spec.outFile(),
        spec.errFile(),
        Map.of(),
        afterOk);
  }

  /**
   * Asks the scheduler for a job by its unique name, after a submission that may or may not have
   * gone through: its id, or none where the scheduler knows no such job. An {@link IOException}
   * means the scheduler could not be asked: the caller keeps its flag and asks again next tick.
   */
  static Optional<String> byName(Schedulers schedulers, Run run, JobRun job, String name)
      throws IOException, InterruptedException {
    Optional<String> id = schedulers.get(job.scheduler()).findByName(name);
    id.ifPresent(i -> log.info("run {}: found {} submitted as job {}", run.runId(), name, i));
    return id;
  }
}
