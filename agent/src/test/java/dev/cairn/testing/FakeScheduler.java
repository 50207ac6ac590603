package dev.cairn.testing;

import dev.cairn.model.JobState;
import dev.cairn.scheduler.JobStatus;
import dev.cairn.scheduler.JobSubmission;
import dev.cairn.scheduler.Scheduler;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A scheduler held in memory: it takes every submission under the next number, reports each job as
 * the test last set it ({@code PENDING} until then), and runs nothing. A test moves the jobs
 * through their states with {@link #set}, and reads what the agent asked of it.
 */
public final class FakeScheduler implements Scheduler {
  private final String name;
  private final int maxArraySize;
  private int next = 100;
  private final Map<String, JobSubmission> submitted = new LinkedHashMap<>();
  private final Map<String, JobStatus> states = new LinkedHashMap<>();

  /** Every id the agent asked to cancel, in order. */
  public final List<String> cancelled = new ArrayList<>();

  /**
   * @param name the name configs give ({@code slurm}, {@code lsf}): it picks the templates
   * @param maxArraySize the most elements of one array, 0 to run each trial as a job of its own
   */
  public FakeScheduler(String name, int maxArraySize) {
    this.name = name;
    this.maxArraySize = maxArraySize;
  }

  @Override
  public String name() {
    return name;
  }

  private RuntimeException refusal;

  /** The next submission throws {@code e} (a {@code SchedulerRefused}, or a problem of ours). */
  public synchronized void refuseNext(RuntimeException e) {
    refusal = e;
  }

  @Override
  public synchronized String submit(JobSubmission submission) {
    if (refusal != null) {
      RuntimeException e = refusal;
      refusal = null;
      throw e;
    }
    String id = String.valueOf(next++);
    submitted.put(id, submission);
    return id;
  }

  /** What was submitted, by id, in order. */
  public synchronized Map<String, JobSubmission> submissions() {
    return new LinkedHashMap<>(submitted);
  }

  /** The id of the latest submission whose job name or script name contains {@code part}. */
  public synchronized String idOf(String part) {
    String found = null;
    for (Map.Entry<String, JobSubmission> e : submitted.entrySet()) {
      if (e.getValue().jobName().contains(part)
          || e.getValue().script().getFileName().toString().contains(part)) {
        found = e.getKey();
      }
    }
    if (found == null) {
      throw new AssertionError("no job named *" + part + "* in " + submitted.keySet());
    }
    return found;
  }

  /** From now on the job (or array element {@code <id>_<index>}) is reported in {@code state}. */
  public void set(String id, JobState state) {
    set(id, state, null, state == JobState.COMPLETED ? 0 : null);
  }

  public synchronized void set(String id, JobState state, String reason, Integer exitCode) {
    states.put(id, new JobStatus(id, state, reason, exitCode, 60L, null, null));
  }

  @Override
  public synchronized Map<String, JobStatus> status(Collection<String> ids) {
    Map<String, JobStatus> out = new LinkedHashMap<>();
    for (String id : ids) {
      String job = id.split("_", 2)[0];
      if (states.containsKey(id)) {
        out.put(id, states.get(id));
      } else if (submitted.containsKey(job)) {
        out.put(id, JobStatus.of(id, JobState.PENDING));
      }
    }
    return out;
  }

  @Override
  public synchronized Optional<String> findByName(String jobName) {
    return submitted.entrySet().stream()
        .filter(e -> e.getValue().jobName().equals(jobName))
        .map(Map.Entry::getKey)
        .reduce((first, second) -> second);
  }

  @Override
  public int maxArraySize() {
    return maxArraySize;
  }

  @Override
  public String arrayElementId(String arrayId, int index) {
    return arrayId + "_" + index;
  }

  @Override
  public synchronized void cancel(Collection<String> ids) {
    for (String id : ids) {
      cancelled.add(id);
      JobStatus now = states.get(id);
      if (now == null || !now.state().isTerminal()) {
        set(id, JobState.CANCELLED, "cancelled by the agent", null);
      }
    }
  }
}
