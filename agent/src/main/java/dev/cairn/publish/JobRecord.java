package dev.cairn.publish;

import dev.cairn.config.QualityGate;
import dev.cairn.scheduler.JobState;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An immutable snapshot of one trial of a run (one task where the config does not sweep), across
 * its attempts.
 *
 * @param trial the trial's id; the task's name where the config does not sweep (or null)
 * @param values the trial's value of every sweepable key
 * @param resources what the trial asked the scheduler for
 */
public record JobRecord(
    String task,
    String schedulerId,
    JobState state,
    String reason,
    int attempts,
    Integer exitCode,
    Long elapsedS,
    Long cpuS,
    Long maxRssMb,
    Integer gpus,
    Long gpuUtilPct,
    Long gpuMemMb,
    Map<String, Double> metrics,
    QualityGate gate,
    Boolean gatePassed,
    List<Attempt> history,
    String errTail,
    String trial,
    Map<String, String> values,
    Map<String, String> resources) {

  public JobRecord {
    metrics = metrics == null ? Map.of() : Map.copyOf(metrics);
    history = history == null ? List.of() : List.copyOf(history);
    trial = trial == null ? task : trial;
    values = values == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(values));
    resources =
        resources == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(resources));
  }

  /** The value of the metric the gate checks, or null when the job did not report it. */
  public Double gateValue() {
    return gate == null ? null : metrics.get(gate.metric());
  }
}
