package dev.cairn.agent;

import dev.cairn.config.QualityGate;
import dev.cairn.model.Attempt;
import dev.cairn.model.JobRecord;
import dev.cairn.model.JobState;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The agent's record of one trial of a run (one task where the config does not sweep) across its
 * attempts. Mutable, owned by the agent's loop thread, persisted with its run after every change as
 * a {@link StoredJob}.
 */
public final class JobRun {
  private String task = "";

  /** The trial's id; null for a job planned without one, which its task names. */
  private @Nullable String trial;

  /** The trial's value of every sweepable key, and the resources it asked for. */
  private final Map<String, String> values = new LinkedHashMap<>();

  private final Map<String, String> resources = new LinkedHashMap<>();

  private String scheduler = "";
  private int attempt;
  private @Nullable String jobName;
  private @Nullable String schedulerId;

  /**
   * The stage the trial is in: {@code all} (one job trains and evaluates; also null for a job
   * planned without one), {@code train}, then {@code evaluate}. {@link #schedulerId} is the job of
   * this stage.
   */
  private @Nullable String stage;

  /**
   * While training with {@code STAGES=train,evaluate}: the evaluate job, submitted at once with a
   * dependency on the train job so that the scheduler starts it when training succeeded, agent or
   * not. Its name, and a flag set around its submission as {@link #submitting} is.
   */
  private @Nullable String evaluateId;

  private @Nullable String evaluateName;
  private boolean evaluateSubmitting;

  /** The job's element in the array named {@link #jobName}; null for a job of its own. */
  private @Nullable Integer arrayIndex;

  /**
   * The throttle ({@code %K}) of that array: how many of its elements run at once; null in records
   * written before it was kept, or for a job of its own.
   */
  private @Nullable Integer arraySlots;

  /**
   * Set before a submission and cleared after: on restart, a set flag means "ask the scheduler".
   */
  private boolean submitting;

  /** Changed only by the transitions below, each of which refuses what cannot happen. */
  private JobState state = JobState.NEW;

  private @Nullable String reason;
  private @Nullable Integer exitCode;
  private @Nullable Long elapsedS;
  private @Nullable Long cpuS;
  private @Nullable Long maxRssMb;
  private Map<String, Double> metrics = new LinkedHashMap<>();
  private @Nullable QualityGate gate;
  private @Nullable Boolean gatePassed;
  private final List<Attempt> history = new ArrayList<>();

  /** The last lines of a failed job's err file, for the CI log. */
  private @Nullable String errTail;

  private @Nullable Integer gpus;

  /** Mean GPU utilisation in percent and peak GPU memory, sampled by the job with nvidia-smi. */
  private @Nullable Long gpuUtilPct;

  private @Nullable Long gpuMemMb;

  /** With early stopping: the epochs completed as the trial's CSV log last showed; else null. */
  private @Nullable Integer epochsRun;

  /**
   * Set when early stopping cancelled the job, until the scheduler reports that it ended (its
   * process may still be writing its last checkpoint): why it stops. The job then ends STOPPED.
   */
  private @Nullable String stopping;

  /** The cluster whose agent runs the trial where the config routes trials; else null. */
  private @Nullable String cluster;

  /**
   * A job planned for {@code task}'s trial {@code trial} (null where the config does not sweep), on
   * its first attempt.
   */
  JobRun(
      String task,
      @Nullable String trial,
      Map<String, String> values,
      Map<String, String> resources,
      String scheduler,
      @Nullable String jobName,
      @Nullable String stage,
      @Nullable QualityGate gate) {
    this.task = task;
    this.trial = trial;
    this.values.putAll(values);
    this.resources.putAll(resources);
    this.scheduler = scheduler;
    this.attempt = 1;
    this.jobName = jobName;
    this.stage = stage;
    this.gate = gate;
  }

  /** For {@link #restored(StoredJob)}, which fills the fields. */
  private JobRun() {}

  /** The job as its run's record holds it: a job without a trial or a stage is named for both. */
  StoredJob stored() {
    return new StoredJob(
        task,
        id(),
        values,
        resources,
        scheduler,
        attempt,
        jobName,
        schedulerId,
        stage != null ? stage : dev.cairn.plan.JobSpec.ALL,
        evaluateId,
        evaluateName,
        evaluateSubmitting,
        arrayIndex,
        arraySlots,
        submitting,
        state,
        reason,
        exitCode,
        elapsedS,
        cpuS,
        maxRssMb,
        metrics,
        gate,
        gatePassed,
        history,
        errTail,
        gpus,
        gpuUtilPct,
        gpuMemMb,
        epochsRun,
        stopping,
        cluster,
        isDone());
  }

  /**
   * An ended trial of another cluster's share, from that share's end record, for the run's merged
   * outcome, report and results: it is never submitted, polled or changed here.
   */
  static JobRun ended(JobRecord record, String scheduler) {
    if (!record.state().isTerminal()) {
      throw new IllegalArgumentException(
          "trial " + record.trial() + " has not ended (" + record.state() + ")");
    }
    return restored(
        new StoredJob(
            record.task(),
            record.trial(),
            record.values(),
            record.resources(),
            scheduler,
            Math.max(1, record.attempts()),
            null,
            record.schedulerId(),
            record.stage() != null ? record.stage() : dev.cairn.plan.JobSpec.ALL,
            null,
            null,
            false,
            null,
            null,
            false,
            record.state(),
            record.reason(),
            record.exitCode(),
            record.elapsedS(),
            record.cpuS(),
            record.maxRssMb(),
            record.metrics(),
            record.gate(),
            record.gatePassed(),
            record.history(),
            record.errTail(),
            record.gpus(),
            record.gpuUtilPct(),
            record.gpuMemMb(),
            record.epochsRun(),
            null,
            record.cluster(),
            true));
  }

  /** The job a run record of the current form holds. */
  static JobRun restored(StoredJob stored) {
    JobRun job = new JobRun();
    job.task = stored.task();
    job.trial = stored.trial();
    job.values.putAll(stored.values());
    job.resources.putAll(stored.resources());
    job.scheduler = stored.scheduler();
    job.attempt = stored.attempt();
    job.jobName = stored.jobName();
    job.schedulerId = stored.schedulerId();
    job.stage = stored.stage();
    job.evaluateId = stored.evaluateId();
    job.evaluateName = stored.evaluateName();
    job.evaluateSubmitting = stored.evaluateSubmitting();
    job.arrayIndex = stored.arrayIndex();
    job.arraySlots = stored.arraySlots();
    job.submitting = stored.submitting();
    job.state = stored.state();
    job.reason = stored.reason();
    job.exitCode = stored.exitCode();
    job.elapsedS = stored.elapsedS();
    job.cpuS = stored.cpuS();
    job.maxRssMb = stored.maxRssMb();
    job.metrics = new LinkedHashMap<>(stored.metrics());
    job.gate = stored.gate();
    job.gatePassed = stored.gatePassed();
    job.history.addAll(stored.history());
    job.errTail = stored.errTail();
    job.gpus = stored.gpus();
    job.gpuUtilPct = stored.gpuUtilPct();
    job.gpuMemMb = stored.gpuMemMb();
    job.epochsRun = stored.epochsRun();
    job.stopping = stored.stopping();
    job.cluster = stored.cluster();
    return job;
  }

  public String task() {
    return task;
  }

  public @Nullable String trial() {
    return trial;
  }

  public Map<String, String> values() {
    return Collections.unmodifiableMap(values);
  }

  public Map<String, String> resources() {
    return Collections.unmodifiableMap(resources);
  }

  /** The cluster whose agent runs the trial; null where the config routes nothing. */
  public @Nullable String cluster() {
    return cluster;
  }

  /** Routes the trial to {@code cluster} (empty for a config that routes nothing): at planning. */
  JobRun onCluster(String cluster) {
    this.cluster = cluster.isEmpty() ? null : cluster;
    return this;
  }

  public String scheduler() {
    return scheduler;
  }

  public int attempt() {
    return attempt;
  }

  public @Nullable String jobName() {
    return jobName;
  }

  /** The id the scheduler gave the job; asking before it was submitted is a bug. */
  String submittedAs() {
    String id = schedulerId;
    if (id == null) {
      throw new IllegalStateException("job " + id() + " has no scheduler id: not submitted yet");
    }
    return id;
  }

  public @Nullable String schedulerId() {
    return schedulerId;
  }

  public @Nullable String stage() {
    return stage;
  }

  public @Nullable String evaluateId() {
    return evaluateId;
  }

  public @Nullable String evaluateName() {
    return evaluateName;
  }

  public boolean evaluateSubmitting() {
    return evaluateSubmitting;
  }

  public @Nullable Integer arrayIndex() {
    return arrayIndex;
  }

  public @Nullable Integer arraySlots() {
    return arraySlots;
  }

  public boolean submitting() {
    return submitting;
  }

  public @Nullable String reason() {
    return reason;
  }

  public @Nullable Integer exitCode() {
    return exitCode;
  }

  public @Nullable Long elapsedS() {
    return elapsedS;
  }

  public @Nullable Long cpuS() {
    return cpuS;
  }

  public @Nullable Long maxRssMb() {
    return maxRssMb;
  }

  public Map<String, Double> metrics() {
    return Collections.unmodifiableMap(metrics);
  }

  public @Nullable QualityGate gate() {
    return gate;
  }

  public @Nullable Boolean gatePassed() {
    return gatePassed;
  }

  public List<Attempt> history() {
    return Collections.unmodifiableList(history);
  }

  public @Nullable String errTail() {
    return errTail;
  }

  public @Nullable Integer gpus() {
    return gpus;
  }

  public @Nullable Long gpuUtilPct() {
    return gpuUtilPct;
  }

  public @Nullable Long gpuMemMb() {
    return gpuMemMb;
  }

  public @Nullable Integer epochsRun() {
    return epochsRun;
  }

  public @Nullable String stopping() {
    return stopping;
  }

  /**
   * Early stopping cancelled the job for {@code why}: it stays as the scheduler last reported it
   * until the scheduler says it ended, and then ends STOPPED ({@link #stopped}).
   */
  void stopRequested(String why) {
    if (state.isTerminal()) {
      throw refused("STOPPED", "the job ended already");
    }
    stopping = why;
  }

  /** Early stopping read {@code epochs} completed epochs from the trial's CSV log. */
  void progressed(int epochs) {
    epochsRun = epochs;
  }

  /** Its own job (not an array's element) named {@code name} is about to be submitted. */
  void submitting(String name) {
    jobName = name;
    arrayIndex = null;
    arraySlots = null;
    submitting = true;
  }

  /**
   * About to be submitted as element {@code index} of array {@code name}, {@code slots} at once.
   */
  void arrayElement(String name, int index, @Nullable Integer slots) {
    jobName = name;
    arrayIndex = index;
    arraySlots = slots;
    submitting = true;
  }

  /** The submission is over without an id to keep (found by name, or known not to exist). */
  void submissionSettled() {
    submitting = false;
  }

  /** The scheduler refused the job: it fails, and the refusal is kept as a failed attempt. */
  void submissionRefused(String why) {
    submitting = false;
    failed(why);
    history.add(new Attempt(attempt, null, JobState.FAILED, why, null, null));
  }

  /** The evaluate job named {@code name} is about to be submitted. */
  void evaluateSubmitting(String name) {
    evaluateName = name;
    evaluateSubmitting = true;
  }

  /** The scheduler took the evaluate job under {@code id}. */
  void evaluateSubmitted(String id) {
    evaluateId = id;
    evaluateSubmitting = false;
  }

  /** The evaluate job's submission is over without an id (it was refused). */
  void evaluateSettled() {
    evaluateSubmitting = false;
  }

  /** The evaluate job that waited for training was cancelled. */
  void evaluateCancelled() {
    evaluateId = null;
  }

  /** The scheduler's figures for a job still queued or running; a missing one keeps the last. */
  void usage(@Nullable Long elapsed, @Nullable Long rss) {
    elapsedS = elapsed != null ? elapsed : elapsedS;
    maxRssMb = rss != null ? rss : maxRssMb;
  }

  /**
   * The scheduler's exit code and figures of a reported change; a missing figure keeps the last.
   */
  void accounted(
      @Nullable Integer exit, @Nullable Long elapsed, @Nullable Long cpu, @Nullable Long rss) {
    exitCode = exit;
    usage(elapsed, rss);
    cpuS = cpu != null ? cpu : cpuS;
  }

  /** The job's own measurements, where the scheduler accounted none. */
  void filledIn(@Nullable Long cpu, @Nullable Long elapsed, @Nullable Long rss) {
    cpuS = cpuS != null ? cpuS : cpu;
    elapsedS = elapsedS != null ? elapsedS : elapsed;
    maxRssMb = maxRssMb != null ? maxRssMb : rss;
  }

  /** Mean GPU utilisation and peak GPU memory the job sampled. */
  void gpuUsage(@Nullable Long utilPct, @Nullable Long memMb) {
    gpuUtilPct = utilPct;
    gpuMemMb = memMb;
  }

  /** The GPUs the trial asked for. */
  void ranOn(@Nullable Integer count) {
    gpus = count;
  }

  /** The metrics the job wrote. */
  void measured(Map<String, Double> written) {
    metrics = new LinkedHashMap<>(written);
  }

  /** The last lines of the failed job's err file. */
  void errTail(@Nullable String tail) {
    errTail = tail;
  }

  /** Whether the job met its quality gate. */
  void gateChecked(boolean passed) {
    gatePassed = passed;
  }

  /** Why the job stands where it does, said after the fact (notes, the last attempt). */
  void explained(@Nullable String why) {
    reason = why;
  }

  /** An attempt ended (or was requeued): kept in the job's history. */
  void attemptEnded(Attempt ended) {
    history.add(ended);
  }

  /** The scheduler requeued the job itself: the same job goes on as the next attempt. */
  void requeued(Attempt ended) {
    history.add(ended);
    attempt++;
  }

  /** Requeued past {@code max} attempts: the job fails on its last allowed one. */
  void requeuedTooOften(int max, String why) {
    attempt = max;
    failed(why);
  }

  public JobState state() {
    return state;
  }

  /** The scheduler took the job under {@code id}: it waits in the queue. */
  void submitted(String id) {
    if (state != JobState.NEW) {
      throw refused("PENDING", "only a job not yet submitted is submitted");
    }
    schedulerId = id;
    submitting = false;
    state = JobState.PENDING;
    reason = null;
  }

  /** The scheduler reports the job in {@code next} (queued, running, ended) for {@code why}. */
  void reported(JobState next, @Nullable String why) {
    if (state.isTerminal()) {
      throw refused(next.name(), "the job ended already");
    }
    if (next == JobState.NEW) {
      throw refused(next.name(), "a scheduler never reports a job as not submitted");
    }
    state = next;
    reason = why;
    if (next.isTerminal()) {
      // a job that completed before early stopping's cancel reached it ran to its end
      stopping = null;
    }
  }

  /**
   * The job fails without the scheduler saying so (a refusal, a cap, a stage that cannot go on).
   */
  void failed(String why) {
    if (state.isTerminal()) {
      throw refused("FAILED", "the job ended already");
    }
    state = JobState.FAILED;
    reason = why;
  }

  /** The run is cancelled: a job still waiting or running ends CANCELLED; an ended one stays. */
  void cancelled(String why) {
    if (!state.isTerminal()) {
      state = JobState.CANCELLED;
      reason = why;
    }
  }

  /**
   * Early stopping stopped the trial at a rung ({@code why} says which, its metric and the
   * cut-off): its cancelled job ended, or it had none running (it waited to be submitted again).
   */
  void stopped(String why) {
    if (state.isTerminal()) {
      throw refused("STOPPED", "the job ended already");
    }
    state = JobState.STOPPED;
    reason = why;
    stopping = null;
  }

  /**
   * An attempt that ended for the infrastructure's sake starts again as the next one, from its
   * checkpoint: the job waits to be submitted.
   */
  void resubmitted(String why) {
    if (!state.isTerminal() || state == JobState.COMPLETED) {
      throw refused("NEW", "only an attempt that ended without success is resubmitted");
    }
    attempt++;
    schedulerId = null;
    state = JobState.NEW;
    reason = why;
  }

  /**
   * The train job succeeded: the trial goes on as its evaluate job {@code evaluate}, already queued
   * behind it, or (null) one still to submit.
   */
  void trained(@Nullable String evaluate, String why) {
    if (state != JobState.COMPLETED) {
      throw refused("evaluate", "only a train job that completed moves on to evaluate");
    }
    stage = dev.cairn.plan.JobSpec.EVALUATE;
    schedulerId = evaluate;
    evaluateId = null;
    exitCode = null;
    state = evaluate == null ? JobState.NEW : JobState.PENDING;
    reason = why;
  }

  private IllegalTransition refused(String to, String why) {
    return new IllegalTransition("job " + id(), state, to, why);
  }

  public boolean isDone() {
    return state.isTerminal();
  }

  /** The trial's id, or the task's name for a job planned without one. */
  public String id() {
    return trial != null ? trial : task;
  }

  JobRecord snapshot() {
    return new JobRecord(
        task,
        schedulerId,
        state,
        reason,
        attempt,
        exitCode,
        elapsedS,
        cpuS,
        maxRssMb,
        gpus,
        gpuUtilPct,
        gpuMemMb,
        metrics,
        gate,
        gatePassed,
        history,
        errTail,
        id(),
        values,
        resources,
        stage,
        epochsRun,
        cluster);
  }
}
