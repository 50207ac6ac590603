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

  final Gauge runs =
      Gauge.builder()
          .name("cairn_runs")
          .help("Runs on the agent's record by state")
          .labelNames("state")
          .register(registry);
  final Gauge jobs =
      Gauge.builder()
          .name("cairn_jobs")
          .help("Jobs of the runs on record by scheduler and state")
          .labelNames("scheduler", "state")
          .register(registry);
  final Counter runsFinished =
      Counter.builder()
          .name("cairn_runs_finished_total")
          .help("Runs that reached a final state, by result")
          .labelNames("result")
          .register(registry);
  final Counter jobsEnded =
      Counter.builder()
          .name("cairn_jobs_ended_total")
          .help("Job attempts that ended, by scheduler and state")
          .labelNames("scheduler", "state")
          .register(registry);
  final Counter attempts =
      Counter.builder()
          .name("cairn_job_attempts_total")
          .help("Job attempts handed to a scheduler (first submissions and resubmissions)")
          .labelNames("scheduler")
          .register(registry);
  final Counter resubmissions =
      Counter.builder()
          .name("cairn_job_resubmissions_total")
          .help("Jobs started again to resume from their checkpoint, by scheduler and reason")
          .labelNames("scheduler", "reason")
          .register(registry);
  final Counter trialsStopped =
      Counter.builder()
          .name("cairn_trials_stopped_total")
          .help("Trials early stopping (EARLY_STOP=asha) stopped at a rung, by task")
          .labelNames("task")
          .register(registry);
  final Gauge runTrialsStopped =
      Gauge.builder()
          .name("cairn_run_trials_stopped")
          .help("Trials early stopping stopped in each run on record that uses it")
          .labelNames("run_id")
          .register(registry);
  final Gauge runHoursSaved =
      Gauge.builder()
          .name("cairn_run_training_hours_saved")
          .help(
              "Training hours early stopping saved in each run on record that uses it: the stopped"
                  + " trials' remaining epochs times the mean hours per epoch")
          .labelNames("run_id")
          .register(registry);
  final Histogram tick =
      Histogram.builder()
          .name("cairn_tick_duration_seconds")
          .help("Duration of one pass of the reconcile loop")
          .classicOnly()
          .classicUpperBounds(SECONDS)
          .register(registry);
  final Counter commands =
      Counter.builder()
          .name("cairn_scheduler_commands_total")
          .help("Scheduler commands run (sbatch, squeue, bjobs...), by command and outcome")
          .labelNames("command", "outcome")
          .register(registry);
  final Histogram commandSeconds =
      Histogram.builder()
          .name("cairn_scheduler_command_duration_seconds")
          .help("Duration of scheduler commands")
          .labelNames("command")
          .classicOnly()
          .classicUpperBounds(SECONDS)
          .register(registry);
  final Counter schedulerPolls =
      Counter.builder()
          .name("cairn_scheduler_polls_total")
          .help("Batched status queries of the loop, by scheduler and outcome")
          .labelNames("scheduler", "outcome")
          .register(registry);
  final Counter webhooks =
      Counter.builder()
          .name("cairn_webhook_requests_total")
          .help("Webhook calls on /hooks/poll, by outcome (accepted, refused)")
          .labelNames("outcome")
          .register(registry);
  final Counter storeCalls =
      Counter.builder()
          .name("cairn_store_requests_total")
          .help("Object store calls, by operation and outcome")
          .labelNames("operation", "outcome")
          .register(registry);
  final Histogram storeSeconds =
      Histogram.builder()
          .name("cairn_store_request_duration_seconds")
          .help("Duration of object store calls, by operation")
          .labelNames("operation")
          .classicOnly()
          .classicUpperBounds(SECONDS)
          .register(registry);
  final Counter storeBytes =
      Counter.builder()
          .name("cairn_store_bytes_total")
          .help("Bytes sent to (upload) and read from (download) the object store")
          .labelNames("direction")
          .register(registry);
  final Counter publishes =
      Counter.builder()
          .name("cairn_publish_total")
          .help("Results publications (DVC upload and results commit), by outcome")
          .labelNames("outcome")
          .register(registry);
  final Histogram publishSeconds =
      Histogram.builder()
          .name("cairn_publish_duration_seconds")
          .help("Duration of publishing a run's results")
          .classicOnly()
          .classicUpperBounds(SECONDS)
          .register(registry);
  final Counter publishBytes =
      Counter.builder()
          .name("cairn_publish_uploaded_bytes_total")
          .help("Bytes uploaded to the object store while publishing results")
          .register(registry);
  final Histogram runSecondsHistogram =
      Histogram.builder()
          .name("cairn_run_duration_seconds")
          .help("From a run's submission to its final state, by result (a sync's duration)")
          .labelNames("result")
          .classicOnly()
          .classicUpperBounds(RUN_SECONDS)
          .register(registry);
  final Counter gitlabPosts =
      Counter.builder()
          .name("cairn_gitlab_posts_total")
          .help(
              "Requests GitLab or the chat webhook accepted, by kind (status, note, upload, webhook)")
          .labelNames("kind")
          .register(registry);
  final Counter gitlabFailures =
      Counter.builder()
          .name("cairn_gitlab_post_failures_total")
          .help(
              "Requests to GitLab or the chat webhook that failed and will be retried, by kind and"
                  + " reason (401, 404, 429, 5xx, timeout, unreachable...)")
          .labelNames("kind", "reason")
          .register(registry);
  final Gauge gitlabOutbox =
      Gauge.builder()
          .name("cairn_gitlab_outbox_pending")
          .help("Commits whose latest state GitLab has not yet been shown")
          .register(registry);
  final Gauge lastResult =
      Gauge.builder()
          .name("cairn_last_run_result")
          .help("1 for the result of the run that ended last, 0 for the other results")
          .labelNames("result")
          .register(registry);
  final Gauge lastResultTime =
      Gauge.builder()
          .name("cairn_last_run_finished_timestamp_seconds")
          .help("When the run that ended last reached its final state")
          .register(registry);
  final Gauge oldestUnhandled =
      Gauge.builder()
          .name("cairn_oldest_unhandled_request_age_seconds")
          .help("Age of the oldest request received but not yet planned and submitted (0: none)")
          .register(registry);
  final Gauge lastPoll =
      Gauge.builder()
          .name("cairn_last_successful_poll_timestamp_seconds")
          .help("When the agent last listed the store's queue successfully")
          .register(registry);
  final Gauge lastTick =
      Gauge.builder()
          .name("cairn_last_tick_timestamp_seconds")
          .help("When the reconcile loop last completed a pass")
          .register(registry);
}
