package dev.cairn.agent;

import com.google.errorprone.annotations.CheckReturnValue;
import dev.cairn.config.QualityGate;
import dev.cairn.model.Attempt;
import dev.cairn.model.JobRecord;
import dev.cairn.model.JobState;
import dev.cairn.plan.JobSpec;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The agent's record of one trial of a run (one task where the config does not sweep) across its
 * attempts: an immutable value. Each transition returns the next value, or refuses with an {@link
 * IllegalTransition} what cannot happen; its {@link Run} puts the next value in the old one's place
 * ({@link Run#replace}) and is saved with it as a {@link StoredJob}. A transition's value left
 * unused is a compile error ({@code CheckReturnValue}).
 */
@CheckReturnValue
public final class JobRun {
  private final String task;

  /** The trial's id; null for a job planned without one, which its task names. */
  private final @Nullable String trial;

  /** The trial's value of every sweepable key, and the resources it asked for. */
  private final Map<String, String> values;

  private final Map<String, String> resources;
  private final String scheduler;
  private final int attempt;
  private final @Nullable String jobName;
  private final @Nullable String schedulerId;

  /**
   * The stage the trial is in: {@code all} (one job trains and evaluates; also null for a job
   * planned without one), {@code train}, then {@code evaluate}. {@link #schedulerId} is the job of
   * this stage.
   */
  private final @Nullable String stage;

  /**
   * While training with {@code STAGES=train,evaluate}: the evaluate job, submitted at once with a
   * dependency on the train job so that the scheduler starts it when training succeeded, agent or
   * not. Its name, and a flag set around its submission as {@link #submitting} is.
   */
  private final @Nullable String evaluateId;

  private final @Nullable String evaluateName;
  private final boolean evaluateSubmitting;

  /** The job's element in the array named {@link #jobName}; null for a job of its own. */
  private final @Nullable Integer arrayIndex;

  /**
   * The throttle ({@code %K}) of that array: how many of its elements run at once; null in records
   * written before it was kept, or for a job of its own.
   */
  private final @Nullable Integer arraySlots;

  /**
   * Set before a submission and cleared after: on restart, a set flag means "ask the scheduler".
   */
  private final boolean submitting;

  private final JobState state;
  private final @Nullable String reason;
  private final @Nullable Integer exitCode;
  private final @Nullable Long elapsedS;
  private final @Nullable Long cpuS;
  private final @Nullable Long maxRssMb;
  private final Map<String, Double> metrics;
  private final @Nullable QualityGate gate;
  private final @Nullable Boolean gatePassed;
  private final List<Attempt> history;

  /** The last lines of a failed job's err file, for the CI log. */
  private final @Nullable String errTail;

  private final @Nullable Integer gpus;

  /** Mean GPU utilisation in percent and peak GPU memory, sampled by the job with nvidia-smi. */
  private final @Nullable Long gpuUtilPct;

  private final @Nullable Long gpuMemMb;

  /** With early stopping: the epochs completed as the trial's CSV log last showed; else null. */
  private final @Nullable Integer epochsRun;

  /**
   * Set when early stopping cancelled the job, until the scheduler reports that it ended (its
   * process may still be writing its last checkpoint): why it stops. The job then ends STOPPED.
   */
  private final @Nullable String stopping;

  /** The cluster whose agent runs the trial where the config routes trials; else null. */
  private final @Nullable String cluster;

  /**
   * A job planned for {@code task}'s trial {@code trial} (null where the config does not sweep), on
   * its first attempt.
   */
  static JobRun planned(
      String task,
      @Nullable String trial,
      Map<String, String> values,
      Map<String, String> resources,
      String scheduler,
      @Nullable String jobName,
      @Nullable String stage,
      @Nullable QualityGate gate) {
    Next n = new Next();
    n.task = task;
    n.trial = trial;
    n.values = values;
    n.resources = resources;
    n.scheduler = scheduler;
    n.jobName = jobName;
    n.stage = stage;
    n.gate = gate;
    return new JobRun(n);
  }

  private JobRun(Next n) {
    task = n.task;
    trial = n.trial;
    values = frozen(n.values);
    resources = frozen(n.resources);
    scheduler = n.scheduler;
    attempt = n.attempt;
    jobName = n.jobName;
    schedulerId = n.schedulerId;
    stage = n.stage;
    evaluateId = n.evaluateId;
    evaluateName = n.evaluateName;
    evaluateSubmitting = n.evaluateSubmitting;
    arrayIndex = n.arrayIndex;
    arraySlots = n.arraySlots;
    submitting = n.submitting;
    state = n.state;
    reason = n.reason;
    exitCode = n.exitCode;
    elapsedS = n.elapsedS;
    cpuS = n.cpuS;
    maxRssMb = n.maxRssMb;
    metrics = frozen(n.metrics);
    gate = n.gate;
    gatePassed = n.gatePassed;
    history = List.copyOf(n.history);
    errTail = n.errTail;
    gpus = n.gpus;
    gpuUtilPct = n.gpuUtilPct;
    gpuMemMb = n.gpuMemMb;
    epochsRun = n.epochsRun;
    stopping = n.stopping;
    cluster = n.cluster;
  }

  /** A copy that keeps the order of the keys, which the report and results show. */
  private static <V> Map<String, V> frozen(Map<String, V> map) {
    return Collections.unmodifiableMap(new LinkedHashMap<>(map));
  }

  /**
   * The fields of the next value: a copy of this one's, changed by one transition. Only the
   * transitions below write them, and only before the next value is made.
   */
  private static final class Next {
    String task = "";
    @Nullable String trial;
    Map<String, String> values = Map.of();
    Map<String, String> resources = Map.of();
    String scheduler = "";
    int attempt = 1;
    @Nullable String jobName;
    @Nullable String schedulerId;
    @Nullable String stage;
    @Nullable String evaluateId;
    @Nullable String evaluateName;
    boolean evaluateSubmitting;
    @Nullable Integer arrayIndex;
    @Nullable Integer arraySlots;
    boolean submitting;
    JobState state = JobState.NEW;
    @Nullable String reason;
    @Nullable Integer exitCode;
    @Nullable Long elapsedS;
    @Nullable Long cpuS;
    @Nullable Long maxRssMb;
    Map<String, Double> metrics = Map.of();
    @Nullable QualityGate gate;
    @Nullable Boolean gatePassed;
    List<Attempt> history = List.of();
    @Nullable String errTail;
    @Nullable Integer gpus;
    @Nullable Long gpuUtilPct;
    @Nullable Long gpuMemMb;
    @Nullable Integer epochsRun;
    @Nullable String stopping;
    @Nullable String cluster;

    private Next() {}

    private Next(JobRun from) {
      task = from.task;
      trial = from.trial;
      values = from.values;
      resources = from.resources;
      scheduler = from.scheduler;
      attempt = from.attempt;
      jobName = from.jobName;
      schedulerId = from.schedulerId;
      stage = from.stage;
      evaluateId = from.evaluateId;
      evaluateName = from.evaluateName;
      evaluateSubmitting = from.evaluateSubmitting;
      arrayIndex = from.arrayIndex;
      arraySlots = from.arraySlots;
      submitting = from.submitting;
      state = from.state;
      reason = from.reason;
      exitCode = from.exitCode;
      elapsedS = from.elapsedS;
      cpuS = from.cpuS;
      maxRssMb = from.maxRssMb;
      metrics = from.metrics;
      gate = from.gate;
      gatePassed = from.gatePassed;
      history = from.history;
      errTail = from.errTail;
      gpus = from.gpus;
      gpuUtilPct = from.gpuUtilPct;
      gpuMemMb = from.gpuMemMb;
      epochsRun = from.epochsRun;
      stopping = from.stopping;
      cluster = from.cluster;
    }

    /** The history with {@code ended} after its last attempt. */
    List<Attempt> plus(Attempt ended) {
      List<Attempt> longer = new ArrayList<>(history);
      longer.add(ended);
      return longer;
    }
  }

  /** The next value: this one's fields with {@code change} made. */
  private JobRun with(java.util.function.Consumer<Next> change) {
    Next next = new Next(this);
    change.accept(next);
    return new JobRun(next);
  }

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
        stage != null ? stage : JobSpec.ALL,
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
    Next n = new Next();
    n.task = record.task();
    n.trial = record.trial();
    n.values = record.values();
    n.resources = record.resources();
    n.scheduler = scheduler;
    n.attempt = Math.max(1, record.attempts());
    n.schedulerId = record.schedulerId();
    n.stage = record.stage() != null ? record.stage() : JobSpec.ALL;
    n.state = record.state();
    n.reason = record.reason();
    n.exitCode = record.exitCode();
    n.elapsedS = record.elapsedS();
    n.cpuS = record.cpuS();
    n.maxRssMb = record.maxRssMb();
    n.metrics = record.metrics();
    n.gate = record.gate();
    n.gatePassed = record.gatePassed();
    n.history = record.history();
    n.errTail = record.errTail();
    n.gpus = record.gpus();
    n.gpuUtilPct = record.gpuUtilPct();
    n.gpuMemMb = record.gpuMemMb();
    n.epochsRun = record.epochsRun();
    n.cluster = record.cluster();
    return new JobRun(n);
  }

  /** The job a run record of the current form holds. */
  static JobRun restored(StoredJob stored) {
    Next n = new Next();
    n.task = stored.task();
    n.trial = stored.trial();
    n.values = stored.values();
    n.resources = stored.resources();
    n.scheduler = stored.scheduler();
    n.attempt = stored.attempt();
    n.jobName = stored.jobName();
    n.schedulerId = stored.schedulerId();
    n.stage = stored.stage();
    n.evaluateId = stored.evaluateId();
    n.evaluateName = stored.evaluateName();
    n.evaluateSubmitting = stored.evaluateSubmitting();
    n.arrayIndex = stored.arrayIndex();
    n.arraySlots = stored.arraySlots();
    n.submitting = stored.submitting();
    n.state = stored.state();
    n.reason = stored.reason();
    n.exitCode = stored.exitCode();
    n.elapsedS = stored.elapsedS();
    n.cpuS = stored.cpuS();
    n.maxRssMb = stored.maxRssMb();
    n.metrics = stored.metrics();
    n.gate = stored.gate();
    n.gatePassed = stored.gatePassed();
    n.history = stored.history();
    n.errTail = stored.errTail();
    n.gpus = stored.gpus();
    n.gpuUtilPct = stored.gpuUtilPct();
    n.gpuMemMb = stored.gpuMemMb();
    n.epochsRun = stored.epochsRun();
    n.stopping = stored.stopping();
    n.cluster = stored.cluster();
    return new JobRun(n);
  }

  public String task() {
    return task;
  }

  public @Nullable String trial() {
    return trial;
  }

  public Map<String, String> values() {
    return values;
  }

  public Map<String, String> resources() {
    return resources;
  }

  /** The cluster whose agent runs the trial; null where the config routes nothing. */
  public @Nullable String cluster() {
    return cluster;
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
    return metrics;
  }

  public @Nullable QualityGate gate() {
    return gate;
  }

  public @Nullable Boolean gatePassed() {
    return gatePassed;
  }

  public List<Attempt> history() {
    return history;
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

  public JobState state() {
    return state;
  }

  /** Routes the trial to {@code cluster} (empty for a config that routes nothing): at planning. */
  JobRun onCluster(String cluster) {
    return with(n -> n.cluster = cluster.isEmpty() ? null : cluster);
  }

  /**
   * Early stopping cancelled the job for {@code why}: it stays as the scheduler last reported it
   * until the scheduler says it ended, and then ends STOPPED ({@link #stopped}).
   */
  JobRun stopRequested(String why) {
    if (state.isTerminal()) {
      throw refused("STOPPED", "the job ended already");
    }
    return with(n -> n.stopping = why);
  }

  /** Early stopping read {@code epochs} completed epochs from the trial's CSV log. */
  JobRun progressed(int epochs) {
    return with(n -> n.epochsRun = epochs);
  }

  /** Its own job (not an array's element) named {@code name} is about to be submitted. */
  JobRun submitting(String name) {
    return with(
        n -> {
          n.jobName = name;
          n.arrayIndex = null;
          n.arraySlots = null;
          n.submitting = true;
        });
  }

  /**
   * About to be submitted as element {@code index} of array {@code name}, {@code slots} at once.
   */
  JobRun arrayElement(String name, int index, @Nullable Integer slots) {
    return with(
        n -> {
          n.jobName = name;
          n.arrayIndex = index;
          n.arraySlots = slots;
          n.submitting = true;
        });
  }

  /** The submission is over without an id to keep (found by name, or known not to exist). */
  JobRun submissionSettled() {
    return with(n -> n.submitting = false);
  }

  /** The scheduler refused the job: it fails, and the refusal is kept as a failed attempt. */
  JobRun submissionRefused(String why) {
    Attempt refusal = new Attempt(attempt, null, JobState.FAILED, why, null, null);
    return failed(why)
        .with(
            n -> {
              n.submitting = false;
              n.history = n.plus(refusal);
            });
  }

  /** The evaluate job named {@code name} is about to be submitted. */
  JobRun evaluateSubmitting(String name) {
    return with(
        n -> {
          n.evaluateName = name;
          n.evaluateSubmitting = true;
        });
  }

  /** The scheduler took the evaluate job under {@code id}. */
  JobRun evaluateSubmitted(String id) {
    return with(
        n -> {
          n.evaluateId = id;
          n.evaluateSubmitting = false;
        });
  }

  /** The evaluate job's submission is over without an id (it was refused). */
  JobRun evaluateSettled() {
    return with(n -> n.evaluateSubmitting = false);
  }

  /** The evaluate job that waited for training was cancelled. */
  JobRun evaluateCancelled() {
    return with(n -> n.evaluateId = null);
  }

  /** The scheduler's figures for a job still queued or running; a missing one keeps the last. */
  JobRun usage(@Nullable Long elapsed, @Nullable Long rss) {
    return with(
        n -> {
          n.elapsedS = elapsed != null ? elapsed : elapsedS;
          n.maxRssMb = rss != null ? rss : maxRssMb;
        });
  }

  /**
   * The scheduler's exit code and figures of a reported change; a missing figure keeps the last.
   */
  JobRun accounted(
      @Nullable Integer exit, @Nullable Long elapsed, @Nullable Long cpu, @Nullable Long rss) {
    return usage(elapsed, rss)
        .with(
            n -> {
              n.exitCode = exit;
              n.cpuS = cpu != null ? cpu : cpuS;
            });
  }

  /** The job's own measurements, where the scheduler accounted none. */
  JobRun filledIn(@Nullable Long cpu, @Nullable Long elapsed, @Nullable Long rss) {
    return with(
        n -> {
          n.cpuS = cpuS != null ? cpuS : cpu;
          n.elapsedS = elapsedS != null ? elapsedS : elapsed;
          n.maxRssMb = maxRssMb != null ? maxRssMb : rss;
        });
  }

  /** Mean GPU utilisation and peak GPU memory the job sampled. */
  JobRun gpuUsage(@Nullable Long utilPct, @Nullable Long memMb) {
    return with(
        n -> {
          n.gpuUtilPct = utilPct;
          n.gpuMemMb = memMb;
        });
  }

  /** The GPUs the trial asked for. */
  JobRun ranOn(@Nullable Integer count) {
    return with(n -> n.gpus = count);
  }

  /** The metrics the job wrote. */
  JobRun measured(Map<String, Double> written) {
    return with(n -> n.metrics = written);
  }

  /** The last lines of the failed job's err file. */
  JobRun errTail(@Nullable String tail) {
    return with(n -> n.errTail = tail);
  }

  /** Whether the job met its quality gate. */
  JobRun gateChecked(boolean passed) {
    return with(n -> n.gatePassed = passed);
  }

  /** Why the job stands where it does, said after the fact (notes, the last attempt). */
  JobRun explained(@Nullable String why) {
    return with(n -> n.reason = why);
  }

  /** An attempt ended (or was requeued): kept in the job's history. */
  JobRun attemptEnded(Attempt ended) {
    return with(n -> n.history = n.plus(ended));
  }

  /** The scheduler requeued the job itself: the same job goes on as the next attempt. */
  JobRun requeued(Attempt ended) {
    return with(
        n -> {
          n.history = n.plus(ended);
          n.attempt = attempt + 1;
        });
  }

  /** Requeued past {@code max} attempts: the job fails on its last allowed one. */
  JobRun requeuedTooOften(int max, String why) {
    return failed(why).with(n -> n.attempt = max);
  }

  /** The scheduler took the job under {@code id}: it waits in the queue. */
  JobRun submitted(String id) {
    if (state != JobState.NEW) {
      throw refused("PENDING", "only a job not yet submitted is submitted");
    }
    return with(
        n -> {
          n.schedulerId = id;
          n.submitting = false;
          n.state = JobState.PENDING;
          n.reason = null;
        });
  }

  /** The scheduler reports the job in {@code next} (queued, running, ended) for {@code why}. */
  JobRun reported(JobState next, @Nullable String why) {
    if (state.isTerminal()) {
      throw refused(next.name(), "the job ended already");
    }
    if (next == JobState.NEW) {
      throw refused(next.name(), "a scheduler never reports a job as not submitted");
    }
    return with(
        n -> {
          n.state = next;
          n.reason = why;
          if (next.isTerminal()) {
            // a job that completed before early stopping's cancel reached it ran to its end
            n.stopping = null;
          }
        });
  }

  /**
   * The job fails without the scheduler saying so (a refusal, a cap, a stage that cannot go on).
   */
  JobRun failed(String why) {
    if (state.isTerminal()) {
      throw refused("FAILED", "the job ended already");
    }
    return in(JobState.FAILED, why);
  }

  /**
   * The run is cancelled: a job still waiting or running ends CANCELLED; an ended one stays as it
   * is (the same value).
   */
  JobRun cancelled(String why) {
    return state.isTerminal() ? this : in(JobState.CANCELLED, why);
  }

  /**
   * Early stopping stopped the trial at a rung ({@code why} says which, its metric and the
   * cut-off): its cancelled job ended, or it had none running (it waited to be submitted again).
   */
  JobRun stopped(String why) {
    if (state.isTerminal()) {
      throw refused("STOPPED", "the job ended already");
    }
    return in(JobState.STOPPED, why).with(n -> n.stopping = null);
  }

  /** The next value in {@code next}, for {@code why}; the callers check that it may go there. */
  private JobRun in(JobState next, String why) {
    return with(
        n -> {
          n.state = next;
          n.reason = why;
        });
  }

  /**
   * An attempt that ended for the infrastructure's sake starts again as the next one, from its
   * checkpoint: the job waits to be submitted.
   */
  JobRun resubmitted(String why) {
    if (!state.isTerminal() || state == JobState.COMPLETED) {
      throw refused("NEW", "only an attempt that ended without success is resubmitted");
    }
    return with(
        n -> {
          n.attempt = attempt + 1;
          n.schedulerId = null;
          n.state = JobState.NEW;
          n.reason = why;
        });
  }

  /**
   * The train job succeeded: the trial goes on as its evaluate job {@code evaluate}, already queued
   * behind it, or (null) one still to submit.
   */
  JobRun trained(@Nullable String evaluate, String why) {
    if (state != JobState.COMPLETED) {
      throw refused("evaluate", "only a train job that completed moves on to evaluate");
    }
    return with(
        n -> {
          n.stage = JobSpec.EVALUATE;
          n.schedulerId = evaluate;
          n.evaluateId = null;
          n.exitCode = null;
          n.state = evaluate == null ? JobState.NEW : JobState.PENDING;
          n.reason = why;
        });
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
