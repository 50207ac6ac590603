package dev.cairn.metrics;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The agent's metrics, served at {@code /metrics} when {@code CAIRN_HTTP_ADDRESS} is set. Labels
 * are bounded: scheduler names, states, reasons, store operations, commands and outcomes, never a
 * run, job or commit id. One agent runs per process, so the metrics are the process's own.
 */
public final class Metrics {
  /** The registry {@code /metrics} serves: the metrics below and the JVM's. */
  public static final PrometheusRegistry REGISTRY = new PrometheusRegistry();

  private static final double[] SECONDS = {
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300
  };
  private static final double[] RUN_SECONDS = {
    10, 30, 60, 300, 600, 1800, 3600, 7200, 14400, 28800, 86400, 172800, 604800
  };

  static final Gauge RUNS =
      Gauge.builder()
          .name("cairn_runs")
          .help("Runs on the agent's record by state")
          .labelNames("state")
          .register(REGISTRY);
  static final Gauge JOBS =
      Gauge.builder()
          .name("cairn_jobs")
          .help("Jobs of the runs on record by scheduler and state")
          .labelNames("scheduler", "state")
          .register(REGISTRY);
  static final Counter RUNS_FINISHED =
      Counter.builder()
          .name("cairn_runs_finished_total")
          .help("Runs that reached a final state, by result")
          .labelNames("result")
          .register(REGISTRY);
  static final Counter JOBS_ENDED =
      Counter.builder()
          .name("cairn_jobs_ended_total")
          .help("Job attempts that ended, by scheduler and state")
          .labelNames("scheduler", "state")
          .register(REGISTRY);
  static final Counter ATTEMPTS =
      Counter.builder()
          .name("cairn_job_attempts_total")
          .help("Job attempts handed to a scheduler (first submissions and resubmissions)")
          .labelNames("scheduler")
          .register(REGISTRY);
  static final Counter RESUBMISSIONS =
      Counter.builder()
          .name("cairn_job_resubmissions_total")
          .help("Jobs started again to resume from their checkpoint, by scheduler and reason")
          .labelNames("scheduler", "reason")
          .register(REGISTRY);
  static final Histogram TICK =
      Histogram.builder()
          .name("cairn_tick_duration_seconds")
          .help("Duration of one pass of the reconcile loop")
          .classicOnly()
          .classicUpperBounds(SECONDS)
          .register(REGISTRY);
  static final Counter COMMANDS =
      Counter.builder()
          .name("cairn_scheduler_commands_total")
          .help("Scheduler commands run (sbatch, squeue, bjobs...), by command and outcome")
          .labelNames("command", "outcome")
          .register(REGISTRY);
  static final Histogram COMMAND_SECONDS =
      Histogram.builder()
          .name("cairn_scheduler_command_duration_seconds")
          .help("Duration of scheduler commands")
          .labelNames("command")
          .classicOnly()
          .classicUpperBounds(SECONDS)
          .register(REGISTRY);
  static final Counter SCHEDULER_POLLS =
      Counter.builder()
          .name("cairn_scheduler_polls_total")
          .help("Batched status queries of the loop, by scheduler and outcome")
          .labelNames("scheduler", "outcome")
          .register(REGISTRY);
  static final Counter WEBHOOKS =
      Counter.builder()
          .name("cairn_webhook_requests_total")
          .help("Webhook calls on /hooks/poll, by outcome (accepted, refused)")
          .labelNames("outcome")
          .register(REGISTRY);
  static final Counter STORE_CALLS =
      Counter.builder()
          .name("cairn_store_requests_total")
          .help("Object store calls, by operation and outcome")
          .labelNames("operation", "outcome")
          .register(REGISTRY);
  static final Histogram STORE_SECONDS =
      Histogram.builder()
          .name("cairn_store_request_duration_seconds")
          .help("Duration of object store calls, by operation")
          .labelNames("operation")
          .classicOnly()
          .classicUpperBounds(SECONDS)
          .register(REGISTRY);
  static final Counter STORE_BYTES =
      Counter.builder()
          .name("cairn_store_bytes_total")
          .help("Bytes sent to (upload) and read from (download) the object store")
          .labelNames("direction")
          .register(REGISTRY);
  static final Counter PUBLISHES =
      Counter.builder()
          .name("cairn_publish_total")
          .help("Results publications (DVC upload and results commit), by outcome")
          .labelNames("outcome")
          .register(REGISTRY);
  static final Histogram PUBLISH_SECONDS =
      Histogram.builder()
          .name("cairn_publish_duration_seconds")
          .help("Duration of publishing a run's results")
          .classicOnly()
          .classicUpperBounds(SECONDS)
          .register(REGISTRY);
  static final Counter PUBLISH_BYTES =
      Counter.builder()
          .name("cairn_publish_uploaded_bytes_total")
          .help("Bytes uploaded to the object store while publishing results")
          .register(REGISTRY);
  static final Histogram RUN_SECONDS_HISTOGRAM =
      Histogram.builder()
          .name("cairn_run_duration_seconds")
          .help("From a run's submission to its final state, by result (a sync's duration)")
          .labelNames("result")
          .classicOnly()
          .classicUpperBounds(RUN_SECONDS)
          .register(REGISTRY);
  static final Counter GITLAB_POSTS =
      Counter.builder()
          .name("cairn_gitlab_posts_total")
          .help(
              "Requests GitLab or the chat webhook accepted, by kind (status, note, upload, webhook)")
          .labelNames("kind")
          .register(REGISTRY);
  static final Counter GITLAB_FAILURES =
      Counter.builder()
          .name("cairn_gitlab_post_failures_total")
          .help(
              "Requests to GitLab or the chat webhook that failed and will be retried, by kind and"
                  + " reason (401, 404, 429, 5xx, timeout, unreachable...)")
          .labelNames("kind", "reason")
          .register(REGISTRY);
  static final Gauge GITLAB_OUTBOX =
      Gauge.builder()
          .name("cairn_gitlab_outbox_pending")
          .help("Commits whose latest state GitLab has not yet been shown")
          .register(REGISTRY);
  static final Gauge LAST_RESULT =
      Gauge.builder()
          .name("cairn_last_run_result")
          .help("1 for the result of the run that ended last, 0 for the other results")
          .labelNames("result")
          .register(REGISTRY);
  static final Gauge LAST_RESULT_TIME =
      Gauge.builder()
          .name("cairn_last_run_finished_timestamp_seconds")
          .help("When the run that ended last reached its final state")
          .register(REGISTRY);
  static final Gauge OLDEST_UNHANDLED =
      Gauge.builder()
          .name("cairn_oldest_unhandled_request_age_seconds")
          .help("Age of the oldest request received but not yet planned and submitted (0: none)")
          .register(REGISTRY);
  static final Gauge LAST_POLL =
      Gauge.builder()
          .name("cairn_last_successful_poll_timestamp_seconds")
          .help("When the agent last listed the store's queue successfully")
          .register(REGISTRY);
  static final Gauge LAST_TICK =
      Gauge.builder()
          .name("cairn_last_tick_timestamp_seconds")
          .help("When the reconcile loop last completed a pass")
          .register(REGISTRY);

  /** Epoch seconds of the last successful poll and of the last completed tick (0: never). */
  static volatile double lastPoll;

  static volatile double lastTick;

  /** When the loop last made progress inside a pass: a pass over many requests is not a hang. */
  static volatile double lastProgress;

  /** The outcome of the last status query of each scheduler: null when it succeeded. */
  static final Map<String, String> schedulerProblems = new ConcurrentHashMap<>();

  static {
    GaugeWithCallback.builder()
        .name("cairn_seconds_since_last_successful_poll")
        .help("Seconds since the agent last listed the store's queue successfully (-1: never)")
        .callback(cb -> cb.call(lastPoll == 0 ? -1 : now() - lastPoll))
        .register(REGISTRY);
    JvmMetrics.builder().register(REGISTRY);
  }

  private Metrics() {}

  static double now() {
    return System.currentTimeMillis() / 1000.0;
  }

  static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }

  /** A pass of the loop ended; it began at {@code startNanos} ({@link System#nanoTime()}). */
  public static void tick(long startNanos) {
    TICK.observe(seconds(startNanos));
    lastTick = now();
    LAST_TICK.set(lastTick);
  }

  /** The queue of requests was listed. */
  public static void polled() {
    lastPoll = now();
    LAST_POLL.set(lastPoll);
  }

  /** The runs on record by state, and their jobs by scheduler and state. */
  public static void runs(Map<String, Long> runsByState, Map<String, Map<String, Long>> jobs) {
    RUNS.clear();
    runsByState.forEach((state, n) -> RUNS.labelValues(state).set(n));
    JOBS.clear();
    jobs.forEach((s, byState) -> byState.forEach((state, n) -> JOBS.labelValues(s, state).set(n)));
  }

  /** The oldest request not yet submitted arrived at {@code since} (null: there is none). */
  public static void oldestUnhandled(Instant since) {
    OLDEST_UNHANDLED.set(since == null ? 0 : secondsSince(since));
  }

  /**
   * Seconds from {@code since} to now, at least 0: no instant overflows it (an instant far outside
   * the epoch-millisecond range counts as 0 or as the whole range).
   */
  static double secondsSince(Instant since) {
    return Math.max(0, now() - since.getEpochSecond() - since.getNano() / 1e9);
  }

  /**
   * The loop is making progress inside a pass (a long pass over many new requests): {@code
   * /healthz} counts the agent as live while it does.
   */
  public static void progressed() {
    lastProgress = now();
  }

  /** A job attempt was handed to its scheduler. */
  public static void attempt(String scheduler) {
    ATTEMPTS.labelValues(scheduler).inc();
  }

  /** A job attempt ended in {@code state}. */
  public static void jobEnded(String scheduler, String state) {
    JOBS_ENDED.labelValues(scheduler, state).inc();
  }

  /** A job is started again after {@code reason} (a job state such as PREEMPTED). */
  public static void resubmitted(String scheduler, String reason) {
    RESUBMISSIONS.labelValues(scheduler, reason).inc();
  }

  /** A batched status query of a scheduler ended: {@code problem} is null when it succeeded. */
  public static void schedulerPolled(String scheduler, String problem) {
    SCHEDULER_POLLS.labelValues(scheduler, problem == null ? "ok" : "error").inc();
    if (problem == null) {
      schedulerProblems.remove(scheduler);
    } else {
      schedulerProblems.put(scheduler, problem);
    }
  }

  /** A webhook call was accepted (it woke the loop) or refused (no or a wrong token). */
  public static void webhookCalled(boolean accepted) {
    WEBHOOKS.labelValues(accepted ? "accepted" : "refused").inc();
  }

  /** A run reached its final state {@code result}; it was submitted at {@code submitted}. */
  public static void runFinished(String result, Instant submitted) {
    RUNS_FINISHED.labelValues(result).inc();
    if (submitted != null) {
      RUN_SECONDS_HISTOGRAM.labelValues(result).observe(secondsSince(submitted));
    }
    lastRun(result, null);
  }

  /**
   * The run that ended last: its result and when it ended ({@code finished}; null: now). The agent
   * calls it at start with what its run records say, so that a restart keeps the last result an
   * alert reads ({@code cairn_last_run_result{result="FAILED"} == 1}) instead of dropping it.
   */
  public static void lastRun(String result, Instant finished) {
    for (String r : new String[] {"SUCCEEDED", "FAILED", "CANCELLED", "REJECTED"}) {
      LAST_RESULT.labelValues(r).set(r.equals(result) ? 1 : 0);
    }
    LAST_RESULT_TIME.set(finished == null ? now() : finished.toEpochMilli() / 1000.0);
  }

  /** A publication began at {@code startNanos} and ended; {@code ok} when it succeeded. */
  public static void published(long startNanos, double uploadedBefore, boolean ok) {
    PUBLISH_SECONDS.observe(seconds(startNanos));
    PUBLISHES.labelValues(ok ? "ok" : "error").inc();
    PUBLISH_BYTES.inc(Math.max(0, uploadedBytes() - uploadedBefore));
  }

  /** Bytes uploaded to the store so far, to measure a publication. */
  public static double uploadedBytes() {
    return STORE_BYTES.labelValues("upload").get();
  }

  /** A request to GitLab or the chat webhook was accepted. */
  public static void gitlabPosted(String kind) {
    GITLAB_POSTS.labelValues(kind).inc();
  }

  /** A request to GitLab or the chat webhook failed; it is retried. */
  public static void gitlabFailed(String kind, String reason) {
    GITLAB_FAILURES.labelValues(kind, reason).inc();
  }

  public static void gitlabOutbox(int pending) {
    GITLAB_OUTBOX.set(pending);
  }
}
