package dev.cairn.publish;

import dev.cairn.config.QualityGate;
import dev.cairn.scheduler.JobState;
import java.util.List;
import java.util.Map;

/** An immutable snapshot of one task of a run, across its attempts. */
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
    String errTail) {

  public JobRecord {
    metrics = metrics == null ? Map.of() : Map.copyOf(metrics);
    history = history == null ? List.of() : List.copyOf(history);
  }

  /** The value of the metric the gate checks, or null when the job did not report it. */
  public Double gateValue() {
    return gate == null ? null : metrics.get(gate.metric());
  }
}
