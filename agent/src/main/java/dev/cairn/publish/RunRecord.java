package dev.cairn.publish;

import dev.cairn.config.ExperimentConfig;
import java.nio.file.Path;
import java.util.List;

/**
 * An immutable snapshot of a run, taken by the loop whenever it reports or publishes: what {@code
 * status.json}, {@code summary.md} and the results commit are made from. It never changes under the
 * reader, and holds no credentials.
 *
 * @param config the validated config, or null where the run was rejected before it was read
 * @param outcome how the run ends, once every job has ended; null before
 */
public record RunRecord(
    String runId,
    String commit,
    int attempt,
    RunState state,
    String message,
    String updatedAt,
    Origin origin,
    String configSha256,
    String scheduler,
    Path runDir,
    String finishedAt,
    String resultsCommit,
    RunState outcome,
    String outcomeMessage,
    ExperimentConfig config,
    List<JobRecord> jobs) {

  public RunRecord {
    jobs = List.copyOf(jobs);
  }

  /** Where the request came from, as CI described it. */
  public record Origin(
      String branch,
      String pipeline,
      String author,
      String subject,
      String reproduces,
      String submittedAt) {}
}
