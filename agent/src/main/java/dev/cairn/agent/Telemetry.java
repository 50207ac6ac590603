package dev.cairn.agent;

import dev.cairn.metrics.Metrics;
import dev.cairn.model.EarlyStopRecord;
import dev.cairn.model.RunState;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * After each pass of the loop, hands the metrics what the run book says: runs and jobs by state,
 * the oldest request not yet submitted, and the runs that reached a final state since the last pass
 * (their result and how long they took from submission). Times are the agent's own (when it
 * received each request), never the writer's {@code submitted_at}.
 */
final class Telemetry {
  private final Metrics metrics;
  private final RunBook book;

  /** Runs already counted as ended, including those that had ended before a restart. */
  private final Set<String> ended = new HashSet<>();

  Telemetry(RunBook book, Metrics metrics) {
    this.book = book;
    this.metrics = metrics;
    Run last = null;
    Instant lastAt = null;
    for (Run r : book.all()) {
      if (!r.state().isTerminal()) {
        continue;
      }
      ended.add(r.runId());
      Instant at = instant(r.finishedAt() != null ? r.finishedAt() : r.updatedAt());
      if (at != null && (lastAt == null || at.isAfter(lastAt))) {
        last = r;
        lastAt = at;
      }
    }
    if (last != null) {
      // the last result survives a restart: alerts on it must not reset
      metrics.lastRun(last.state().name(), lastAt);
    }
  }

  void afterTick(long startedNanos) {
    Map<String, Long> runs = new TreeMap<>();
    Map<String, Map<String, Long>> jobs = new TreeMap<>();
    Instant oldest = null;
    Map<String, Long> stopped = new TreeMap<>();
    Map<String, Double> hoursSaved = new TreeMap<>();
    for (Run run : book.all()) {
      EarlyStopRecord early = run.earlyStop();
      if (early != null) {
        stopped.put(run.runId(), early.stopped());
        hoursSaved.put(run.runId(), early.secondsSaved() / 3600);
      }
      runs.merge(run.state().name(), 1L, Long::sum);
      for (JobRun job : run.jobs()) {
        jobs.computeIfAbsent(job.scheduler(), k -> new TreeMap<>())
            .merge(job.state().name(), 1L, Long::sum);
      }
      Instant submitted = receivedAt(run);
      if (run.state() == RunState.RECEIVED
          && submitted != null
          && (oldest == null || submitted.isBefore(oldest))) {
        oldest = submitted;
      }
      if (run.state().isTerminal() && ended.add(run.runId())) {
        metrics.runFinished(run.state().name(), submitted);
      }
    }
    metrics.runs(runs, jobs);
    metrics.oldestUnhandled(oldest);
    metrics.earlyStops(stopped, hoursSaved);
    metrics.tick(startedNanos);
  }

  /** When this agent received the run (its own clock), or null for a record without the time. */
  static @Nullable Instant receivedAt(Run run) {
    return instant(run.createdAt());
  }

  private static @Nullable Instant instant(@Nullable String at) {
    try {
      return at == null ? null : Instant.parse(at);
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
