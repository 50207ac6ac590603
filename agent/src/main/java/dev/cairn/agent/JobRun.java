package dev.cairn.agent;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.cairn.config.QualityGate;
import dev.cairn.model.Attempt;
import dev.cairn.model.JobRecord;
import dev.cairn.model.JobState;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The agent's record of one trial of a run (one task where the config does not sweep) across its
 * attempts. Mutable, owned by the agent's loop thread, persisted as JSON after every change.
 */
public final class JobRun {
  public String task;

  /** The trial's id; null in records written before sweeps, where the task names the job. */
  public String trial;

  /** The trial's value of every sweepable key, and the resources it asked for. */
  public Map<String, String> values = new LinkedHashMap<>();

  public Map<String, String> resources = new LinkedHashMap<>();

  public String scheduler;
  public int attempt;
  public String jobName;
  public String schedulerId;

  /**
   * The stage the trial is in: {@code all} (one job trains and evaluates; also null in records
   * written before stages), {@code train}, then {@code evaluate}. {@link #schedulerId} is the job
   * of this stage.
   */
  public String stage;

  /**
   * While training with {@code STAGES=train,evaluate}: the evaluate job, submitted at once with a
   * dependency on the train job so that the scheduler starts it when training succeeded, agent or
   * not. Its name, and a flag set around its submission as {@link #submitting} is.
   */
  public String evaluateId;

  public String evaluateName;
  public boolean evaluateSubmitting;

  /** The job's element in the array named {@link #jobName}; null for a job of its own. */
  public Integer arrayIndex;

  /**
   * The throttle ({@code %K}) of that array: how many of its elements run at once; null in records
   * written before it was kept, or for a job of its own.
   */
  public Integer arraySlots;

  /**
   * Set before a submission and cleared after: on restart, a set flag means "ask the scheduler".
   */
  public boolean submitting;

  /** Changed only by the transitions below, each of which refuses what cannot happen. */
  @JsonProperty private JobState state = JobState.NEW;

  public String reason;
  public Integer exitCode;
  public Long elapsedS;
  public Long cpuS;
  public Long maxRssMb;
  public Map<String, Double> metrics = new LinkedHashMap<>();
  public QualityGate gate;
  public Boolean gatePassed;
  public List<Attempt> history = new ArrayList<>();

  /** The last lines of a failed job's err file, for the CI log. */
  public String errTail;

  public Integer gpus;

  /** Mean GPU utilisation in percent and peak GPU memory, sampled by the job with nvidia-smi. */
  public Long gpuUtilPct;

  public Long gpuMemMb;

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
  void reported(JobState next, String why) {
    if (state.isTerminal()) {
      throw refused(next.name(), "the job ended already");
    }
    if (next == JobState.NEW) {
      throw refused(next.name(), "a scheduler never reports a job as not submitted");
    }
    state = next;
    reason = why;
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
  void trained(String evaluate, String why) {
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

  /** The trial's id, or the task's name in records written before sweeps. */
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
        stage);
  }
}
