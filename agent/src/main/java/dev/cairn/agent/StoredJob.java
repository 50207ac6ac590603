package dev.cairn.agent;

import dev.cairn.config.QualityGate;
import dev.cairn.model.Attempt;
import dev.cairn.model.JobState;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One trial's job as the run record holds it (schema {@value StoredRun#SCHEMA}): exactly the file's
 * fields, in the file's order. {@link JobRun} converts to and from it.
 *
 * @param trial the trial's id; the task's name where the config does not sweep, and in records
 *     written before sweeps (filled in by {@link StoredForm})
 * @param stage {@code all}, {@code train} or {@code evaluate}; {@code all} in records written
 *     before stages
 * @param arraySlots the throttle of the job's array; null for a job of its own, and in records
 *     written before it was kept, where it stays unknown
 * @param epochsRun with early stopping, the epochs the trial's CSV log last showed; else null
 * @param stopping set once early stopping cancelled the job, until the scheduler reports its end:
 *     why it stops (null otherwise)
 * @param cluster the cluster that runs the trial where the config routes trials; null otherwise,
 *     and in records written before clusters
 * @param done whether the job ended: written for those who read the file, derived from {@code
 *     state} when read
 */
record StoredJob(
    String task,
    String trial,
    Map<String, String> values,
    Map<String, String> resources,
    String scheduler,
    int attempt,
    @Nullable String jobName,
    @Nullable String schedulerId,
    String stage,
    @Nullable String evaluateId,
    @Nullable String evaluateName,
    boolean evaluateSubmitting,
    @Nullable Integer arrayIndex,
    @Nullable Integer arraySlots,
    boolean submitting,
    JobState state,
    @Nullable String reason,
    @Nullable Integer exitCode,
    @Nullable Long elapsedS,
    @Nullable Long cpuS,
    @Nullable Long maxRssMb,
    Map<String, Double> metrics,
    @Nullable QualityGate gate,
    @Nullable Boolean gatePassed,
    List<Attempt> history,
    @Nullable String errTail,
    @Nullable Integer gpus,
    @Nullable Long gpuUtilPct,
    @Nullable Long gpuMemMb,
    @Nullable Integer epochsRun,
    @Nullable String stopping,
    @Nullable String cluster,
    boolean done) {

  /** Refuses a damaged record; fills in the maps and lists a file lacks. */
  StoredJob {
    Objects.requireNonNull(task, "a job record without its task");
    Objects.requireNonNull(trial, "a job record without its trial");
    Objects.requireNonNull(scheduler, "a job record without its scheduler");
    Objects.requireNonNull(stage, "a job record without its stage");
    Objects.requireNonNull(state, "a job record without its state");
    // maps and lists the file lacks bind as null; the order of a map's keys is kept
    values = ordered(values);
    resources = ordered(resources);
    metrics = ordered(metrics);
    history = history == null ? List.of() : List.copyOf(history);
  }

  private static <V> Map<String, V> ordered(@Nullable Map<String, V> map) {
    return map == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(map));
  }
}
