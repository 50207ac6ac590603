package dev.cairn.metrics;

import java.time.Instant;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** {@link Metrics#NONE}: keeps nothing, and has uploaded nothing. */
final class NoMetrics implements Metrics {
  @Override
  public void tick(long startNanos) {}

  @Override
  public void polled() {}

  @Override
  public void progressed() {}

  @Override
  public void runs(Map<String, Long> runsByState, Map<String, Map<String, Long>> jobs) {}

  @Override
  public void oldestUnhandled(@Nullable Instant since) {}

  @Override
  public void attempt(String scheduler) {}

  @Override
  public void jobEnded(String scheduler, String state) {}

  @Override
  public void resubmitted(String scheduler, String reason) {}

  @Override
  public void trialStopped(String task) {}

  @Override
  public void earlyStops(Map<String, Long> stoppedByRun, Map<String, Double> hoursSavedByRun) {}

  @Override
  public void schedulerPolled(String scheduler, @Nullable String problem) {}

  @Override
  public void runFinished(String result, @Nullable Instant submitted) {}

  @Override
  public void lastRun(String result, @Nullable Instant finished) {}

  @Override
  public double uploadedBytes() {
    return 0;
  }

  @Override
  public void published(long startNanos, double uploadedBefore, boolean ok) {}

  @Override
  public void storeCall(String operation, String outcome, long startNanos) {}

  @Override
  public void storeBytes(String direction, long bytes) {}

  @Override
  public void command(String name, String outcome, long startNanos) {}

  @Override
  public void webhookCalled(boolean accepted) {}

  @Override
  public void gitlabPosted(String kind) {}

  @Override
  public void gitlabFailed(String kind, String reason) {}

  @Override
  public void gitlabOutbox(int pending) {}
}
