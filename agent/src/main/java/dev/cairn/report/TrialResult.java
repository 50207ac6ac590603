package dev.cairn.report;

import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One trial of a finished run (a task at one sweep point; today one per task): what ran, how it
 * ended, its metrics, its quality gate, what it cost and its learning curve.
 *
 * @param params the config values the trial ran with ({@code GEOFM}, {@code LEARNING_RATE}, ...)
 * @param gateMetric the metric the gate reads, e.g. {@code test/mIoU}; the trial's headline metric
 * @param passed whether the gate was met; null when the trial did not complete
 * @param cpuSeconds CPU seconds where measured, else null
 * @param cluster the cluster whose agent ran the trial, where the run routed trials to clusters
 *     ({@code CLUSTER}); null where it did not
 */
public record TrialResult(
    String trialId,
    String task,
    Map<String, String> params,
    String state,
    Map<String, Double> metrics,
    @Nullable String gate,
    @Nullable String gateMetric,
    boolean higherIsBetter,
    @Nullable Boolean passed,
    @Nullable Long elapsedS,
    @Nullable Long cpuSeconds,
    @Nullable Integer gpus,
    @Nullable Integer cpus,
    @Nullable Long maxRssMb,
    @Nullable String errTail,
    List<EpochRow> curve,
    @Nullable String notes,
    @Nullable String cluster) {

  public TrialResult {
    params =
        params == null
            ? Map.of()
            : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(params));
    metrics =
        metrics == null
            ? Map.of()
            : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(metrics));
    curve = curve == null ? List.of() : List.copyOf(curve);
  }

  /** The gate metric's value, or null when the trial did not report it. */
  public @Nullable Double headline() {
    return gateMetric == null ? null : metrics.get(gateMetric);
  }

  /** GPU-hours where the trial had GPUs, else null. */
  public @Nullable Double gpuHours() {
    return gpus == null || gpus == 0 || elapsedS == null ? null : gpus * elapsedS / 3600.0;
  }

  /**
   * CPU-hours: measured CPU time where known, else cores x wall time; null when neither is known.
   */
  public @Nullable Double cpuHours() {
    if (cpuSeconds != null && cpuSeconds > 0) {
      return cpuSeconds / 3600.0;
    }
    return cpus == null || elapsedS == null ? null : cpus * elapsedS / 3600.0;
  }

  /** GPU-hours, or CPU-hours for a trial without GPUs. */
  public @Nullable Double cost() {
    Double gpu = gpuHours();
    return gpu != null ? gpu : cpuHours();
  }

  public boolean completed() {
    return "COMPLETED".equals(state);
  }

  /**
   * Whether early stopping stopped the trial at a rung: neither a failure nor a result, it has no
   * test metric and is never a winner.
   */
  public boolean stopped() {
    return "STOPPED".equals(state);
  }

  /** A trial of {@code task} that ended in {@code state}, to fill in with the builder's setters. */
  public static Builder builder(String trialId, String task, String state) {
    return new Builder(trialId, task, state);
  }

  /**
   * Builds a {@link TrialResult} field by field: the report's readers of run records and tests set
   * only what they know.
   */
  public static final class Builder {
    private final String trialId;
    private final String task;
    private Map<String, String> params = Map.of();
    private final String state;
    private Map<String, Double> metrics = Map.of();
    private @Nullable String gate;
    private @Nullable String gateMetric;
    private boolean higherIsBetter;
    private @Nullable Boolean passed;
    private @Nullable Long elapsedS;
    private @Nullable Long cpuSeconds;
    private @Nullable Integer gpus;
    private @Nullable Integer cpus;
    private @Nullable Long maxRssMb;
    private @Nullable String errTail;
    private List<EpochRow> curve = List.of();
    private @Nullable String notes;
    private @Nullable String cluster;

    private Builder(String trialId, String task, String state) {
      this.trialId = trialId;
      this.task = task;
      this.state = state;
    }

    public Builder params(Map<String, String> params) {
      this.params = params;
      return this;
    }

    public Builder metrics(Map<String, Double> metrics) {
      this.metrics = metrics;
      return this;
    }

    public Builder gate(@Nullable String gate) {
      this.gate = gate;
      return this;
    }

    public Builder gateMetric(@Nullable String gateMetric) {
      this.gateMetric = gateMetric;
      return this;
    }

    public Builder higherIsBetter(boolean higherIsBetter) {
      this.higherIsBetter = higherIsBetter;
      return this;
    }

    public Builder passed(@Nullable Boolean passed) {
      this.passed = passed;
      return this;
    }

    public Builder elapsedS(@Nullable Long elapsedS) {
      this.elapsedS = elapsedS;
      return this;
    }

    public Builder cpuSeconds(@Nullable Long cpuSeconds) {
      this.cpuSeconds = cpuSeconds;
      return this;
    }

    public Builder gpus(@Nullable Integer gpus) {
      this.gpus = gpus;
      return this;
    }

    public Builder cpus(@Nullable Integer cpus) {
      this.cpus = cpus;
      return this;
    }

    public Builder maxRssMb(@Nullable Long maxRssMb) {
      this.maxRssMb = maxRssMb;
      return this;
    }

    public Builder errTail(@Nullable String errTail) {
      this.errTail = errTail;
      return this;
    }

    public Builder curve(List<EpochRow> curve) {
      this.curve = curve;
      return this;
    }

    public Builder notes(@Nullable String notes) {
      this.notes = notes;
      return this;
    }

    public Builder cluster(@Nullable String cluster) {
      this.cluster = cluster;
      return this;
    }

    public TrialResult build() {
      return new TrialResult(
          trialId,
          task,
          params,
          state,
          metrics,
          gate,
          gateMetric,
          higherIsBetter,
          passed,
          elapsedS,
          cpuSeconds,
          gpus,
          cpus,
          maxRssMb,
          errTail,
          curve,
          notes,
          cluster);
    }
  }
}
