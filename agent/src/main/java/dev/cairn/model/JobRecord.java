package dev.cairn.model;

import dev.cairn.config.QualityGate;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * An immutable snapshot of one trial of a run (one task where the config does not sweep), across
 * its attempts.
 *
 * @param trial the trial's id; the task's name where the config does not sweep (or null)
 * @param values the trial's value of every sweepable key
 * @param resources what the trial asked the scheduler for
 * @param stage with {@code STAGES=train,evaluate}, the stage the trial is in ({@code train}, then
 *     {@code evaluate}); {@code all} (or null in records before stages) for one job doing both
 * @param epochsRun with early stopping, the epochs the trial completed as its CSV log showed them
 *     (null without early stopping)
 * @param cluster the cluster whose agent ran the trial, where the config routes trials to clusters
 *     ({@code CLUSTER}); null where it does not
 */
public record JobRecord(
    String task,
    @Nullable String schedulerId,
    JobState state,
    @Nullable String reason,
    int attempts,
    @Nullable Integer exitCode,
    @Nullable Long elapsedS,
    @Nullable Long cpuS,
    @Nullable Long maxRssMb,
    @Nullable Integer gpus,
    @Nullable Long gpuUtilPct,
    @Nullable Long gpuMemMb,
    Map<String, Double> metrics,
    @Nullable QualityGate gate,
    @Nullable Boolean gatePassed,
    List<Attempt> history,
    @Nullable String errTail,
    String trial,
    Map<String, String> values,
    Map<String, String> resources,
    @Nullable String stage,
    @Nullable Integer epochsRun,
    @Nullable String cluster) {

  public JobRecord {
    metrics = metrics == null ? Map.of() : Map.copyOf(metrics);
    history = history == null ? List.of() : List.copyOf(history);
    trial = trial == null ? task : trial;
    values = values == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(values));
    resources =
        resources == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(resources));
  }

  /** {@code train} or {@code evaluate} while a trial of split stages has not ended; else null. */
  public @Nullable String activeStage() {
    boolean split = "train".equals(stage) || "evaluate".equals(stage);
    return split && !state.isTerminal() ? stage : null;
  }

  /** Whether early stopping ended the trial at a rung (it ran only part of its epochs). */
  public boolean stoppedEarly() {
    return state == JobState.STOPPED;
  }

  /** The value of the metric the gate checks, or null when the job did not report it. */
  public @Nullable Double gateValue() {
    return gate == null ? null : metrics.get(gate.metric());
  }
}
