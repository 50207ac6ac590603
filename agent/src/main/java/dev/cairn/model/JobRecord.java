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

  /**
   * A trial of {@code task} not yet started ({@code NEW}), to fill in with the builder's setters.
   */
  public static Builder builder(String task) {
    return new Builder(task);
  }

  /** This record as a builder, to change a few fields of a copy. */
  public Builder toBuilder() {
    Builder b = new Builder(task);
    b.schedulerId = schedulerId;
    b.state = state;
    b.reason = reason;
    b.attempts = attempts;
    b.exitCode = exitCode;
    b.elapsedS = elapsedS;
    b.cpuS = cpuS;
    b.maxRssMb = maxRssMb;
    b.gpus = gpus;
    b.gpuUtilPct = gpuUtilPct;
    b.gpuMemMb = gpuMemMb;
    b.metrics = metrics;
    b.gate = gate;
    b.gatePassed = gatePassed;
    b.history = history;
    b.errTail = errTail;
    b.trial = trial;
    b.values = values;
    b.resources = resources;
    b.stage = stage;
    b.epochsRun = epochsRun;
    b.cluster = cluster;
    return b;
  }

  /**
   * Builds a {@link JobRecord} field by field, for records made in code (tests, a trial as another
   * cluster's agent reported it); stored records load through the canonical constructor.
   */
  public static final class Builder {
    private String task;
    private @Nullable String schedulerId;
    private JobState state = JobState.NEW;
    private @Nullable String reason;
    private int attempts;
    private @Nullable Integer exitCode;
    private @Nullable Long elapsedS;
    private @Nullable Long cpuS;
    private @Nullable Long maxRssMb;
    private @Nullable Integer gpus;
    private @Nullable Long gpuUtilPct;
    private @Nullable Long gpuMemMb;
    private Map<String, Double> metrics = Map.of();
    private @Nullable QualityGate gate;
    private @Nullable Boolean gatePassed;
    private List<Attempt> history = List.of();
    private @Nullable String errTail;
    private @Nullable String trial;
    private Map<String, String> values = Map.of();
    private Map<String, String> resources = Map.of();
    private @Nullable String stage;
    private @Nullable Integer epochsRun;
    private @Nullable String cluster;

    private Builder(String task) {
      this.task = task;
    }

    public Builder task(String task) {
      this.task = task;
      return this;
    }

    public Builder schedulerId(@Nullable String schedulerId) {
      this.schedulerId = schedulerId;
      return this;
    }

    public Builder state(JobState state) {
      this.state = state;
      return this;
    }

    public Builder reason(@Nullable String reason) {
      this.reason = reason;
      return this;
    }

    public Builder attempts(int attempts) {
      this.attempts = attempts;
      return this;
    }

    public Builder exitCode(@Nullable Integer exitCode) {
      this.exitCode = exitCode;
      return this;
    }

    public Builder elapsedS(@Nullable Long elapsedS) {
      this.elapsedS = elapsedS;
      return this;
    }

    public Builder cpuS(@Nullable Long cpuS) {
      this.cpuS = cpuS;
      return this;
    }

    public Builder maxRssMb(@Nullable Long maxRssMb) {
      this.maxRssMb = maxRssMb;
      return this;
    }

    public Builder gpus(@Nullable Integer gpus) {
      this.gpus = gpus;
      return this;
    }

    public Builder gpuUtilPct(@Nullable Long gpuUtilPct) {
      this.gpuUtilPct = gpuUtilPct;
      return this;
    }

    public Builder gpuMemMb(@Nullable Long gpuMemMb) {
      this.gpuMemMb = gpuMemMb;
      return this;
    }

    public Builder metrics(Map<String, Double> metrics) {
      this.metrics = metrics;
      return this;
    }

    public Builder gate(@Nullable QualityGate gate) {
      this.gate = gate;
      return this;
    }

    public Builder gatePassed(@Nullable Boolean gatePassed) {
      this.gatePassed = gatePassed;
      return this;
    }

    public Builder history(List<Attempt> history) {
      this.history = history;
      return this;
    }

    public Builder errTail(@Nullable String errTail) {
      this.errTail = errTail;
      return this;
    }

    public Builder trial(@Nullable String trial) {
      this.trial = trial;
      return this;
    }

    public Builder values(Map<String, String> values) {
      this.values = values;
      return this;
    }

    public Builder resources(Map<String, String> resources) {
      this.resources = resources;
      return this;
    }

    public Builder stage(@Nullable String stage) {
      this.stage = stage;
      return this;
    }

    public Builder epochsRun(@Nullable Integer epochsRun) {
      this.epochsRun = epochsRun;
      return this;
    }

    public Builder cluster(@Nullable String cluster) {
      this.cluster = cluster;
      return this;
    }

    public JobRecord build() {
      return new JobRecord(
          task,
          schedulerId,
          state,
          reason,
          attempts,
          exitCode,
          elapsedS,
          cpuS,
          maxRssMb,
          gpus,
          gpuUtilPct,
          gpuMemMb,
          metrics,
          gate,
          gatePassed,
          history,
          errTail,
          trial == null ? task : trial,
          values,
          resources,
          stage,
          epochsRun,
          cluster);
    }
  }
}
