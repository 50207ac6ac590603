package dev.cairn.metrics;

import java.time.Instant;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What the agent tells about itself as it works: the loop's passes, runs and jobs, store calls,
 * scheduler commands, publications and GitLab posts. Each agent is handed its own ({@link
 * PrometheusMetrics} serves them at {@code /metrics}); {@link #NONE} keeps nothing. Labels are
 * bounded: scheduler names, states, reasons, store operations, commands and outcomes, never a run,
 * job or commit id.
 */
public interface Metrics {
  /** Keeps nothing: what a part uses unless it is handed the agent's metrics. */
  Metrics NONE = new NoMetrics();

  /** A pass of the loop ended; it began at {@code startNanos} ({@link System#nanoTime()}). */
  void tick(long startNanos);

  /** The queue of requests was listed. */
  void polled();

  /**
   * The loop is making progress inside a pass (a long pass over many new requests): {@code
   * /healthz} counts the agent as live while it does.
   */
  void progressed();

  /** The runs on record by state, and their jobs by scheduler and state. */
  void runs(Map<String, Long> runsByState, Map<String, Map<String, Long>> jobs);

  /** The oldest request not yet submitted arrived at {@code since} (null: there is none). */
  void oldestUnhandled(@Nullable Instant since);

  /** A job attempt was handed to its scheduler. */
  void attempt(String scheduler);

  /** A job attempt ended in {@code state}. */
  void jobEnded(String scheduler, String state);

  /** A job is started again after {@code reason} (a job state such as PREEMPTED). */
  void resubmitted(String scheduler, String reason);

  /** Early stopping stopped a trial of {@code task} at a rung. */
  void trialStopped(String task);

  /**
   * Early stopping in each run on record that uses it, by run id: the trials it stopped and the
   * training hours it saved against the full grid's estimate.
   */
  void earlyStops(Map<String, Long> stoppedByRun, Map<String, Double> hoursSavedByRun);

  /** A batched status query of a scheduler ended: {@code problem} is null when it succeeded. */
  void schedulerPolled(String scheduler, @Nullable String problem);

  /** A run reached its final state {@code result}; it was submitted at {@code submitted}. */
  void runFinished(String result, @Nullable Instant submitted);

  /**
   * The run that ended last: its result and when it ended ({@code finished}; null: now). The agent
   * calls it at start with what its run records say, so that a restart keeps the last result an
   * alert reads ({@code cairn_last_run_result{result="FAILED"} == 1}) instead of dropping it.
   */
  void lastRun(String result, @Nullable Instant finished);

  /** Bytes uploaded to the store so far, to measure a publication. */
  double uploadedBytes();

  /** A publication began at {@code startNanos} and ended; {@code ok} when it succeeded. */
  void published(long startNanos, double uploadedBefore, boolean ok);

  /** One object store call by operation and outcome ({@code ok}, {@code error}...). */
  void storeCall(String operation, String outcome, long startNanos);

  /** Bytes sent to ({@code upload}) or read from ({@code download}) the object store. */
  void storeBytes(String direction, long bytes);

  /** One scheduler command by program name and outcome, begun at {@code startNanos}. */
  void command(String name, String outcome, long startNanos);

  /** A webhook call was accepted (it woke the loop) or refused (no or a wrong token). */
  void webhookCalled(boolean accepted);

  /** A request to GitLab or the chat webhook was accepted. */
  void gitlabPosted(String kind);

  /** A request to GitLab or the chat webhook failed; it is retried. */
  void gitlabFailed(String kind, String reason);

  /** Commits whose latest state GitLab has not yet been shown. */
  void gitlabOutbox(int pending);
}
