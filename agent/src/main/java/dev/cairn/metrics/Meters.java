package dev.cairn.metrics;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * The agent's metrics, by the names, help texts and labels its dashboards and alert rules read,
 * registered in a registry of their own.
 */
final class Meters {
  final PrometheusRegistry registry = new PrometheusRegistry();

  private static final double[] SECONDS = {
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300
  };
  private static final double[] RUN_SECONDS = {
    10, 30, 60, 300, 600, 1800, 3600, 7200, 14400, 28800, 86400, 172800, 604800
  };

  final Gauge runs = gauge("cairn_runs", "Runs on the agent's record by state", "state");
  final Gauge jobs =
      gauge(
          "cairn_jobs", "Jobs of the runs on record by scheduler and state", "scheduler", "state");
  final Counter runsFinished =
      counter("cairn_runs_finished_total", "Runs that reached a final state, by result", "result");
  final Counter jobsEnded =
      counter(
          "cairn_jobs_ended_total",
          "Job attempts that ended, by scheduler and state",
          "scheduler",
          "state");
  final Counter attempts =
      counter(
          "cairn_job_attempts_total",
          "Job attempts handed to a scheduler (first submissions and resubmissions)",
          "scheduler");
  final Counter resubmissions =
      counter(
          "cairn_job_resubmissions_total",
          "Jobs started again to resume from their checkpoint, by scheduler and reason",
          "scheduler",
          "reason");
  final Counter trialsStopped =
      counter(
          "cairn_trials_stopped_total",
          "Trials early stopping (EARLY_STOP=asha) stopped at a rung, by task",
          "task");
  final Gauge runTrialsStopped =
      gauge(
          "cairn_run_trials_stopped",
          "Trials early stopping stopped in each run on record that uses it",
          "run_id");
  final Gauge runHoursSaved =
      gauge(
          "cairn_run_training_hours_saved",
          "Training hours early stopping saved in each run on record that uses it: the stopped"
              + " trials' remaining epochs times the mean hours per epoch",
          "run_id");
  final Histogram tick =
      histogram(
          "cairn_tick_duration_seconds", "Duration of one pass of the reconcile loop", SECONDS);
  final Counter commands =
      counter(
          "cairn_scheduler_commands_total",
          "Scheduler commands run (sbatch, squeue, bjobs...), by command and outcome",
          "command",
          "outcome");
  final Histogram commandSeconds =
      histogram(
          "cairn_scheduler_command_duration_seconds",
          "Duration of scheduler commands",
          SECONDS,
          "command");
  final Counter schedulerPolls =
      counter(
          "cairn_scheduler_polls_total",
          "Batched status queries of the loop, by scheduler and outcome",
          "scheduler",
          "outcome");
  final Counter webhooks =
      counter(
          "cairn_webhook_requests_total",
          "Webhook calls on /hooks/poll, by outcome (accepted, refused)",
          "outcome");
  final Counter storeCalls =
      counter(
          "cairn_store_requests_total",
          "Object store calls, by operation and outcome",
          "operation",
          "outcome");
  final Histogram storeSeconds =
      histogram(
          "cairn_store_request_duration_seconds",
          "Duration of object store calls, by operation",
          SECONDS,
          "operation");
  final Counter storeBytes =
      counter(
          "cairn_store_bytes_total",
          "Bytes sent to (upload) and read from (download) the object store",
          "direction");
  final Counter publishes =
      counter(
          "cairn_publish_total",
          "Results publications (DVC upload and results commit), by outcome",
          "outcome");
  final Histogram publishSeconds =
      histogram(
          "cairn_publish_duration_seconds", "Duration of publishing a run's results", SECONDS);
  final Counter publishBytes =
      counter(
          "cairn_publish_uploaded_bytes_total",
          "Bytes uploaded to the object store while publishing results");
  final Histogram runSecondsHistogram =
      histogram(
          "cairn_run_duration_seconds",
          "From a run's submission to its final state, by result (a sync's duration)",
          RUN_SECONDS,
          "result");
  final Counter gitlabPosts =
      counter(
          "cairn_gitlab_posts_total",
          "Requests GitLab or the chat webhook accepted, by kind (status, note, upload, webhook)",
          "kind");
  final Counter gitlabFailures =
      counter(
          "cairn_gitlab_post_failures_total",
          "Requests to GitLab or the chat webhook that failed and will be retried, by kind and"
              + " reason (401, 404, 429, 5xx, timeout, unreachable...)",
          "kind",
          "reason");
  final Gauge gitlabOutbox =
      gauge(
          "cairn_gitlab_outbox_pending",
          "Commits whose latest state GitLab has not yet been shown");
  final Gauge lastResult =
      gauge(
          "cairn_last_run_result",
          "1 for the result of the run that ended last, 0 for the other results",
          "result");
  final Gauge lastResultTime =
      gauge(
          "cairn_last_run_finished_timestamp_seconds",
          "When the run that ended last reached its final state");
  final Gauge oldestUnhandled =
      gauge(
          "cairn_oldest_unhandled_request_age_seconds",
          "Age of the oldest request received but not yet planned and submitted (0: none)");
  final Gauge lastPoll =
      gauge(
          "cairn_last_successful_poll_timestamp_seconds",
          "When the agent last listed the store's queue successfully");
  final Gauge lastTick =
      gauge("cairn_last_tick_timestamp_seconds", "When the reconcile loop last completed a pass");

  private Counter counter(String name, String help, String... labels) {
    return Counter.builder().name(name).help(help).labelNames(labels).register(registry);
  }

  private Gauge gauge(String name, String help, String... labels) {
    return Gauge.builder().name(name).help(help).labelNames(labels).register(registry);
  }

  /** A histogram of classic buckets only: the dashboards read its {@code _bucket} series. */
  private Histogram histogram(String name, String help, double[] buckets, String... labels) {
    return Histogram.builder()
        .name(name)
        .help(help)
        .labelNames(labels)
        .classicOnly()
        .classicUpperBounds(buckets)
        .register(registry);
  }
}
