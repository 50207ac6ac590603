package dev.cairn.agent;

import dev.cairn.CairnException;
import dev.cairn.config.ConfigError;
import dev.cairn.config.ExperimentConfig;
import dev.cairn.plan.JobSpec;
import dev.cairn.plan.RunPlan;
import dev.cairn.render.CommitRenderers;
import dev.cairn.render.ScriptRenderer;
import dev.cairn.scheduler.JobState;
import dev.cairn.scheduler.JobStatus;
import dev.cairn.scheduler.JobSubmission;
import dev.cairn.scheduler.Scheduler;
import dev.cairn.scheduler.Schedulers;
import dev.cairn.trigger.RequestPoller;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves one run through its states: validate, plan and render; submit each job; apply what the
 * scheduler reports (resubmitting jobs that ended through no fault of their own); collect metrics
 * against the quality gates; publish. Each step calls {@code save} right after it changes the run.
 */
public final class RunDriver {
  private static final Logger log = LoggerFactory.getLogger(RunDriver.class);
  private final ScriptRenderer renderer;
  private final Schedulers schedulers;
  private final Path workDir;
  private final Clock clock;
  private final RequestCheck check;
  private final RunPublisher publisher;
  private final Map<String, RunPlan> plans = new HashMap<>();
  private final CommitRenderers commitRenderers;

  /**
   * @param check provenance check, or null to accept every request
   * @param publisher versioning of outputs, or null to end runs without a results commit
   */
  public RunDriver(
      ScriptRenderer renderer,
      Schedulers schedulers,
      Path workDir,
      Clock clock,
      RequestCheck check,
      RunPublisher publisher) {
    this(renderer, schedulers, workDir, clock, check, publisher, null);
  }

  /** @param commitRenderers the templates of each run's commit, or null to render with {@code renderer} */
  public RunDriver(
      ScriptRenderer renderer,
      Schedulers schedulers,
      Path workDir,
      Clock clock,
      RequestCheck check,
      RunPublisher publisher,
      CommitRenderers commitRenderers) {
    this.commitRenderers = commitRenderers;
    this.renderer = renderer;
    this.schedulers = schedulers;
    this.workDir = workDir;
    this.clock = clock;
    this.check = check;
    this.publisher = publisher;
  }

  /** A new run for a request found in the store. */
  Run receive(RequestPoller.Found found) {
    Run run = new Run();
    run.request = found.request();
    run.queueKey = found.queueKey();
    run.createdAt = clock.instant().toString();
    run.updatedAt = run.createdAt;
    run.configSha256 = ExperimentConfig.sha256(found.config());
    Instant submitted = submittedAt(found.request().submittedAt());
    // the run id needs the experiment name: from the valid config, else from its line if that is
    // well formed, else "rejected"
    String experiment;
    try {
      experiment = parse(run, found.config()).experimentName();
    } catch (CairnException e) {
      Matcher m =
          Pattern.compile("(?m)^EXPERIMENT_NAME=([A-Za-z0-9][A-Za-z0-9._-]{0,63})\\s*$")
              .matcher(new String(found.config(), StandardCharsets.UTF_8));
      experiment = m.find() ? m.group(1) : "rejected";
    }
    run.runId = RunPlan.runId(experiment, run.commit(), submitted, run.attempt());
    run.runDir = workDir.resolve("runs").resolve(run.runId).toString();
    try {
      Files.createDirectories(Path.of(run.runDir));
      Files.write(Path.of(run.runDir).resolve("config.env"), found.config());
    } catch (IOException e) {
      throw new IllegalStateException("cannot write the run folder " + run.runDir + ": " + e.getMessage(), e);
    }
    run.message = "received; waiting to be validated";
    return run;
  }

  /** Validates and submits what is due. */
  void advance(Run run, Consumer<Run> save) throws InterruptedException {
    if (run.state == RunState.RECEIVED) {
      prepare(run, save);
    }
    if (run.state == RunState.SUBMITTED || run.state == RunState.RUNNING) {
      for (JobRun job : run.jobs) {
        if (job.state == JobState.NEW && job.schedulerId == null) {
          submit(run, job, save);
        }
      }
    }
  }

  private void prepare(Run run, Consumer<Run> save) {
    byte[] config;
    try {
      config = Files.readAllBytes(Path.of(run.runDir).resolve("config.env"));
    } catch (IOException e) {
      reject(run, "the run's config copy is unreadable: " + e.getMessage(), save);
      return;
    }
    if (check != null) {
      try {
        String reason = check.reject(run.request, config);
        if (reason != null) {
          reject(run, reason, save);
          return;
        }
      } catch (Exception e) {
        log.warn("run {}: provenance check failed, retrying next tick: {}", run.runId, e.getMessage());
        return;
      }
    }
    ExperimentConfig cfg;
    try {
      cfg = parse(run, config);
    } catch (ConfigError e) {
      reject(run, String.join("; ", e.problems()), save);
      return;
    } catch (CairnException e) {
      reject(run, e.getMessage(), save);
      return;
    }
    RunPlan plan = plan(run, cfg);
    try {
      for (JobSpec spec : plan.jobs()) {
        writeScript(run, spec, cfg);
      }
    } catch (CairnException | IOException e) {
      reject(run, "cannot render the batch scripts: " + e.getMessage(), save);
      return;
    }
    run.scheduler = cfg.scheduler();
    for (JobSpec spec : plan.jobs()) {
      JobRun job = new JobRun();
      job.task = spec.task().name();
      job.scheduler = cfg.scheduler();
      job.attempt = 1;
      job.jobName = spec.jobName();
      job.gate = cfg.gates().get(job.task).toString();
      run.jobs.add(job);
    }
    run.state = RunState.SUBMITTED;
    run.message = "submitting " + run.jobs.size() + " job(s) to " + cfg.scheduler();
    save.accept(run);
    log.info("run {}: {} task(s) planned for {}", run.runId, run.jobs.size(), cfg.scheduler());
  }

  private void submit(Run run, JobRun job, Consumer<Run> save) throws InterruptedException {
    RunPlan plan = plan(run);
    JobSpec spec = spec(plan, job);
    job.jobName = spec.jobName();
    job.submitting = true;
    save.accept(run);
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
                  spec.jobName(), spec.script(), spec.runDir(), spec.outFile(), spec.errFile(), Map.of()));
      job.schedulerId = id;
      job.submitting = false;
      job.state = JobState.PENDING;
      job.reason = null;
      run.message = "jobs submitted to " + job.scheduler;
      save.accept(run);
      log.info("run {}: {} attempt {} submitted as {} job {}", run.runId, job.task, job.attempt, job.scheduler, id);
    } catch (CairnException e) {
      // the scheduler refused the script (an unknown partition, a GPU the cluster lacks): the job
      // fails with the scheduler's words and the daemon goes on
      job.submitting = false;
      job.state = JobState.FAILED;
      job.reason = e.getMessage();
      job.history.add(new JobRun.Attempt(job.attempt, null, JobState.FAILED, e.getMessage(), null, null));
      save.accept(run);
      log.warn("run {}: {} was refused by {}: {}", run.runId, job.task, job.scheduler, e.getMessage());
    } catch (IOException e) {
      // the submission may or may not have reached the scheduler: keep the flag, look it up by name
      log.warn("run {}: submitting {} failed: {}", run.runId, job.task, e.getMessage());
      try {
        scheduler.findByName(spec.jobName()).ifPresent(id -> job.schedulerId = id);
      } catch (IOException e2) {
        return;
      }
      if (job.schedulerId != null) {
        job.state = JobState.PENDING;
      }
      job.submitting = false;
      save.accept(run);
    }
  }

  /** Applies the scheduler's answers to the run's jobs. */
  void apply(Run run, Map<String, JobStatus> statuses, Consumer<Run> save) {
    boolean changed = false;
    for (JobRun job : run.jobs) {
      if (job.schedulerId == null || job.isDone()) {
        continue;
      }
      JobStatus status = statuses.get(job.schedulerId);
      if (status == null) {
        continue;
      }
      if (status.state() == job.state
          && Objects.equals(status.reason(), job.reason)
          && !status.state().isTerminal()) {
        job.elapsedS = orElse(status.elapsedSeconds(), job.elapsedS);
        job.maxRssMb = orElse(status.maxRssMb(), job.maxRssMb);
        continue;
      }
      changed = true;
      boolean requeuedBefore = job.state == JobState.REQUEUED;
      job.state = status.state();
      job.reason = status.reason();
      job.exitCode = status.exitCode();
      job.elapsedS = orElse(status.elapsedSeconds(), job.elapsedS);
      job.cpuS = orElse(status.cpuSeconds(), job.cpuS);
      job.maxRssMb = orElse(status.maxRssMb(), job.maxRssMb);
      if (status.state() == JobState.REQUEUED && !requeuedBefore) {
        requeued(run, job, status);
      }
      if (status.state().isTerminal()) {
        ended(run, job, status);
      } else if (status.state() == JobState.RUNNING && run.state == RunState.SUBMITTED) {
        run.state = RunState.RUNNING;
      }
    }
    if (changed) {
      run.message = progress(run);
      save.accept(run);
    }
  }

  /**
   * The scheduler requeued the job itself (SLURM after a preemption or node failure): the same job
   * id starts again and resumes from its checkpoint. It counts as an attempt.
   */
  private void requeued(Run run, JobRun job, JobStatus status) {
    job.history.add(
        new JobRun.Attempt(job.attempt, job.schedulerId, JobState.REQUEUED, "requeued by the scheduler"
            + (status.reason() == null ? "" : " (" + status.reason() + ")"), status.exitCode(), status.elapsedSeconds()));
    job.attempt++;
    int max = plan(run).config().maxAttempts();
    log.info("run {}: {} job {} was requeued by the scheduler; attempt {} of {} resumes from its checkpoint",
        run.runId, job.task, job.schedulerId, job.attempt, max);
    if (job.attempt > max) {
      try {
        schedulers.get(job.scheduler).cancel(List.of(job.schedulerId));
      } catch (IOException e) {
        log.warn("run {}: cannot cancel {} after too many requeues: {}", run.runId, job.schedulerId, e.getMessage());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      job.attempt = max;
      job.state = JobState.FAILED;
      job.reason = "requeued more often than MAX_ATTEMPTS=" + max + " allows";
    }
  }

  private void ended(Run run, JobRun job, JobStatus status) {
    job.history.add(
        new JobRun.Attempt(job.attempt, job.schedulerId, status.state(), status.reason(), status.exitCode(), status.elapsedSeconds()));
    int max = plan(run).config().maxAttempts();
    boolean retry =
        status.state().isInfrastructureFailure()
            || (status.state() == JobState.TIMEOUT && hasCheckpoint(run, job));
    if (retry && job.attempt < max) {
      log.info(
          "run {}: {} job {} ended {}{}; resubmitting as attempt {} of {} to resume from its checkpoint",
          run.runId, job.task, job.schedulerId, status.state(),
          status.reason() == null ? "" : " (" + status.reason() + ")", job.attempt + 1, max);
      job.attempt++;
      job.schedulerId = null;
      job.state = JobState.NEW;
      job.reason = "resubmitting after " + status.state();
      try {
        writeScript(run, spec(plan(run), job), plan(run).config());
      } catch (IOException e) {
        job.state = JobState.FAILED;
        job.reason = "cannot render the next attempt: " + e.getMessage();
      }
      return;
    }
    if (retry) {
      job.reason = status.state() + " on the last of " + max + " attempts";
    } else if (status.state() == JobState.TIMEOUT) {
      job.reason = "time limit reached and no checkpoint to resume from";
    }
    log.info("run {}: {} job {} ended {}", run.runId, job.task, job.schedulerId, status.state());
  }

  /** Once every job has ended: metrics, gates, publishing, the final state. */
  void finishIfDone(Run run, Consumer<Run> save) {
    if (run.state.isTerminal() || run.jobs.isEmpty() || !run.jobs.stream().allMatch(JobRun::isDone)) {
      return;
    }
    RunPlan plan = plan(run);
    if (run.state != RunState.COLLECTING && run.state != RunState.PUBLISHING) {
      run.state = RunState.COLLECTING;
      run.message = "collecting outputs";
      Outcome.collect(run, plan);
      Outcome.decide(run, plan);
      save.accept(run);
    }
    if (run.state == RunState.COLLECTING) {
      run.state = RunState.PUBLISHING;
      run.message = "publishing outputs";
      run.finishedAt = clock.instant().toString();
      save.accept(run);
    }
    if (publisher != null && run.resultsCommit == null) {
      try {
        run.resultsCommit = publisher.publish(run, plan);
        save.accept(run);
      } catch (Exception e) {
        if (e instanceof InterruptedException) {
          Thread.currentThread().interrupt();
        }
        log.warn("run {}: publishing failed, retrying next tick: {}", run.runId, e.getMessage());
        run.message = "publishing failed, retrying: " + e.getMessage();
        save.accept(run);
        return;
      }
    }
    run.state = run.outcome;
    run.message = run.outcomeMessage;
    save.accept(run);
    log.info(
        "run {} {}: {}{}",
        run.runId,
        run.state,
        run.message,
        run.resultsCommit == null ? "" : "; results commit " + run.resultsCommit);
  }

  /** Cancels every job of the run that has not ended, and ends the run with the reason. */
  public void cancel(Run run, String reason, Consumer<Run> save) throws InterruptedException {
    Map<String, List<String>> bySched = new HashMap<>();
    for (JobRun job : run.jobs) {
      if (job.schedulerId != null && !job.isDone()) {
        bySched.computeIfAbsent(job.scheduler, k -> new ArrayList<>()).add(job.schedulerId);
      }
    }
    for (Map.Entry<String, List<String>> e : bySched.entrySet()) {
      try {
        schedulers.get(e.getKey()).cancel(e.getValue());
      } catch (IOException ex) {
        log.warn("run {}: cancelling jobs {} failed: {}", run.runId, e.getValue(), ex.getMessage());
      }
    }
    for (JobRun job : run.jobs) {
      if (!job.isDone()) {
        job.state = JobState.CANCELLED;
        job.reason = reason;
      }
    }
    run.state = RunState.CANCELLED;
    run.message = reason;
    save.accept(run);
    log.info("run {} cancelled: {}", run.runId, reason);
  }

  private void reject(Run run, String reason, Consumer<Run> save) {
    run.state = RunState.REJECTED;
    run.message = reason;
    save.accept(run);
    log.warn("run {} rejected: {}", run.runId, reason);
  }

  private ExperimentConfig parse(Run run, byte[] config) {
    return ExperimentConfig.parse(
        config, "config.env@" + Agent.shortSha(run.commit()), renderer(run).templates().tasks());
  }

  /** CAIRN_TEMPLATES=commit: the templates of the run's commit, once its folder exists. */
  private ScriptRenderer renderer(Run run) {
    return commitRenderers == null || run.runDir == null
        ? renderer
        : commitRenderers.forRun(run.commit(), Path.of(run.runDir));
  }

  RunPlan plan(Run run) {
    RunPlan plan = plans.get(run.runId);
    if (plan == null) {
      try {
        byte[] config = Files.readAllBytes(Path.of(run.runDir).resolve("config.env"));
        plan = plan(run, parse(run, config));
      } catch (IOException e) {
        throw new IllegalStateException("the run folder " + run.runDir + " lost its config.env", e);
      }
    }
    return plan;
  }

  private RunPlan plan(Run run, ExperimentConfig cfg) {
    RunPlan plan = RunPlan.of(cfg, run.commit(), submittedAt(run.request.submittedAt()), run.attempt(), workDir);
    plans.put(run.runId, plan);
    return plan;
  }

  static JobSpec spec(RunPlan plan, JobRun job) {
    return plan.jobs().stream()
        .filter(s -> s.task().name().equals(job.task))
        .findFirst()
        .orElseThrow()
        .withAttempt(job.attempt);
  }

  private void writeScript(Run run, JobSpec spec, ExperimentConfig cfg) throws IOException {
    String script = renderer(run).render(spec, cfg, cfg.scheduler(), run.commit());
    Files.createDirectories(spec.script().getParent());
    Path tmp = spec.script().resolveSibling(spec.script().getFileName() + ".tmp");
    Files.writeString(tmp, script);
    Files.move(tmp, spec.script(), StandardCopyOption.REPLACE_EXISTING);
    spec.script().toFile().setExecutable(true, true);
  }

  private boolean hasCheckpoint(Run run, JobRun job) {
    Path dir = spec(plan(run), job).checkpointDir();
    if (!Files.isDirectory(dir)) {
      return false;
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files.anyMatch(Files::isRegularFile);
    } catch (IOException e) {
      return false;
    }
  }

  private static String progress(Run run) {
    Map<JobState, Long> counts = new EnumMap<>(JobState.class);
    run.jobs.forEach(j -> counts.merge(j.state, 1L, Long::sum));
    List<String> parts = new ArrayList<>();
    counts.forEach((s, n) -> parts.add(n + " " + s));
    return String.join(", ", parts);
  }

  private static Instant submittedAt(String text) {
    try {
      return Instant.parse(text);
    } catch (RuntimeException e) {
      return Instant.EPOCH;
    }
  }

  private static <T> T orElse(T value, T fallback) {
    return value != null ? value : fallback;
  }
}
