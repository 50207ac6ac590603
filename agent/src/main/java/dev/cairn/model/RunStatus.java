package dev.cairn.model;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * {@code runs/<commit>/status.json}: the contract with CI. Built from a run; holds no paths of the
 * cluster beyond the run id and no credentials.
 */
public record RunStatus(
    int schema,
    String commit,
    String runId,
    int attempt,
    RunState state,
    @Nullable String message,
    String updatedAt,
    List<JobRecord> jobs,
    @Nullable String resultsCommit) {

  public static RunStatus of(RunRecord run) {
    return new RunStatus(
        1,
        run.commit(),
        run.runId(),
        run.attempt(),
        run.state(),
        run.message(),
        run.updatedAt(),
        run.jobs(),
        run.resultsCommit());
  }
}
