package dev.cairn.agent;

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
  public String gate;
  public Boolean gatePassed;
  public List<Attempt> history = new ArrayList<>();

  /** The last lines of a failed job's err file, for the CI log. */
  public String errTail;

  public Integer gpus;

  /** Mean GPU utilisation in percent and peak GPU memory, sampled by the job with nvidia-smi. */
  public Long gpuUtilPct;

  public Long gpuMemMb;

  /** How one attempt ended. */
  public record Attempt(
      int attempt,
      String schedulerId,
      JobState state,
      String reason,
      Integer exitCode,
      Long elapsedS) {}

  public boolean isDone() {
    return state.isTerminal();
  }
}
