package dev.cairn.agent;

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

  public JobState state = JobState.NEW;
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

  /** The scheduler took the job under {@code id}: it waits in the queue. */
  void submitted(String id) {
    schedulerId = id;
    submitting = false;
    state = JobState.PENDING;
    reason = null;
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
