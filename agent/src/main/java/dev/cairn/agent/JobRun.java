package dev.cairn.agent;

import dev.cairn.config.QualityGate;
import dev.cairn.publish.Attempt;
import dev.cairn.publish.JobRecord;
import dev.cairn.scheduler.JobState;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The agent's record of one task of a run across its attempts. Mutable, owned by the agent's loop
 * thread, persisted as JSON after every change.
 */
public final class JobRun {
  public String task;
  public String scheduler;
  public int attempt;
  public String jobName;
  public String schedulerId;

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

  public boolean isDone() {
    return state.isTerminal();
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
        errTail);
  }
}
