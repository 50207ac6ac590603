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

  /** A trial of a run that routed no trial to a cluster. */
  public TrialResult(
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
      @Nullable String notes) {
    this(
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
        null);
  }

  /** A trial without notes. */
  public TrialResult(
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
      List<EpochRow> curve) {
    this(
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
        null,
        null);
  }

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
}
