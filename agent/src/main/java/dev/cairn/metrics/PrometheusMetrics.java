package dev.cairn.metrics;

import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * One agent's {@link Metrics} in a Prometheus registry of its own (with the JVM's), which its
 * {@link StatusServer} serves at {@code /metrics}; two agents in one JVM keep two. It also keeps
 * what {@link Health} reads: when the loop last passed or made progress, and which schedulers' last
 * status query failed.
 */
public final class PrometheusMetrics implements Metrics {
  private final Meters m = new Meters();
  private final Clock clock;

  /** Epoch seconds of the last successful poll and of the last completed tick (0: never). */
  private volatile double lastPoll;

  private volatile double lastTick;

  /** When the loop last made progress inside a pass: a pass over many requests is not a hang. */
  private volatile double lastProgress;

  /** The outcome of the last status query of each scheduler: absent when it succeeded. */
  private final Map<String, String> schedulerProblems = new ConcurrentHashMap<>();

  /**
   * @param clock what the timestamps and ages read
   */
  public PrometheusMetrics(Clock clock) {
    this.clock = clock;
    GaugeWithCallback.builder()
        .name("cairn_seconds_since_last_successful_poll")
        .help("Seconds since the agent last listed the store's queue successfully (-1: never)")
        .callback(cb -> cb.call(lastPoll == 0 ? -1 : now() - lastPoll))
        .register(m.registry);
    JvmMetrics.builder().register(m.registry);
  }

  /** The registry {@code /metrics} serves: the metrics of this agent and the JVM's. */
  public PrometheusRegistry registry() {
    return m.registry;
  }

  double now() {
    return clock.millis() / 1000.0;
  }

  /** Epoch seconds of the last completed pass or of progress inside one, whichever is later. */
  double lastPass() {
    return Math.max(lastTick, lastProgress);
  }

  /** What the last status query of each scheduler that failed said, by scheduler name. */
  Map<String, String> schedulerProblems() {
    return new TreeMap<>(schedulerProblems);
  }

  private static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }

  /**
   * Seconds from {@code since} to now, at least 0: no instant overflows it (an instant far outside
   * the epoch-millisecond range counts as 0 or as the whole range).
   */
  private double secondsSince(Instant since) {
    return Math.max(0, now() - since.getEpochSecond() - since.getNano() / 1e9);
  }

  @Override
  public void tick(long startNanos) {
    m.tick.observe(seconds(startNanos));
    lastTick = now();
    m.lastTick.set(lastTick);
  }

  @Override
  public void polled() {
    lastPoll = now();
    m.lastPoll.set(lastPoll);
  }

  @Override
  public void progressed() {
    lastProgress = now();
  }

  @Override
  public void runs(Map<String, Long> runsByState, Map<String, Map<String, Long>> jobs) {
    m.runs.clear();
    runsByState.forEach((state, n) -> m.runs.labelValues(state).set(n));
    m.jobs.clear();
    jobs.forEach(
        (s, byState) -> byState.forEach((state, n) -> m.jobs.labelValues(s, state).set(n)));
  }

  @Override
  public void oldestUnhandled(@Nullable Instant since) {
    m.oldestUnhandled.set(since == null ? 0 : secondsSince(since));
  }

  @Override
  public void attempt(String scheduler) {
    m.attempts.labelValues(scheduler).inc();
  }

  @Override
  public void jobEnded(String scheduler, String state) {
    m.jobsEnded.labelValues(scheduler, state).inc();
  }

  @Override
  public void resubmitted(String scheduler, String reason) {
    m.resubmissions.labelValues(scheduler, reason).inc();
  }

  @Override
  public void trialStopped(String task) {
    m.trialsStopped.labelValues(task).inc();
  }

  @Override
  public void earlyStops(Map<String, Long> stoppedByRun, Map<String, Double> hoursSavedByRun) {
    m.runTrialsStopped.clear();
    stoppedByRun.forEach((run, n) -> m.runTrialsStopped.labelValues(run).set(n));
    m.runHoursSaved.clear();
    hoursSavedByRun.forEach((run, h) -> m.runHoursSaved.labelValues(run).set(h));
  }

  @Override
  public void schedulerPolled(String scheduler, @Nullable String problem) {
    m.schedulerPolls.labelValues(scheduler, problem == null ? "ok" : "error").inc();
    if (problem == null) {
      schedulerProblems.remove(scheduler);
    } else {
      schedulerProblems.put(scheduler, problem);
    }
  }

  @Override
  public void runFinished(String result, @Nullable Instant submitted) {
    m.runsFinished.labelValues(result).inc();
    if (submitted != null) {
      m.runSecondsHistogram.labelValues(result).observe(secondsSince(submitted));
    }
    lastRun(result, null);
  }

  @Override
  public void lastRun(String result, @Nullable Instant finished) {
    for (String r : new String[] {"SUCCEEDED", "FAILED", "CANCELLED", "REJECTED"}) {
      m.lastResult.labelValues(r).set(r.equals(result) ? 1 : 0);
    }
    m.lastResultTime.set(finished == null ? now() : finished.toEpochMilli() / 1000.0);
  }

  @Override
  public double uploadedBytes() {
    return m.storeBytes.labelValues("upload").get();
  }

  @Override
  public void published(long startNanos, double uploadedBefore, boolean ok) {
    m.publishSeconds.observe(seconds(startNanos));
    m.publishes.labelValues(ok ? "ok" : "error").inc();
    m.publishBytes.inc(Math.max(0, uploadedBytes() - uploadedBefore));
  }

  @Override
  public void storeCall(String operation, String outcome, long startNanos) {
    m.storeCalls.labelValues(operation, outcome).inc();
    m.storeSeconds.labelValues(operation).observe(seconds(startNanos));
  }

  @Override
  public void storeBytes(String direction, long bytes) {
    m.storeBytes.labelValues(direction).inc(bytes);
  }

  @Override
  public void command(String name, String outcome, long startNanos) {
    m.commands.labelValues(name, outcome).inc();
    m.commandSeconds.labelValues(name).observe(seconds(startNanos));
  }

  @Override
  public void webhookCalled(boolean accepted) {
    m.webhooks.labelValues(accepted ? "accepted" : "refused").inc();
  }

  @Override
  public void gitlabPosted(String kind) {
    m.gitlabPosts.labelValues(kind).inc();
  }

  @Override
  public void gitlabFailed(String kind, String reason) {
    m.gitlabFailures.labelValues(kind, reason).inc();
  }

  @Override
  public void gitlabOutbox(int pending) {
    m.gitlabOutbox.set(pending);
  }
}
