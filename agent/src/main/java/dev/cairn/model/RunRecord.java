package dev.cairn.model;

import dev.cairn.config.ExperimentConfig;
import java.nio.file.Path;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * An immutable snapshot of a run, taken by the loop whenever it reports or publishes: what {@code
 * status.json}, {@code summary.md} and the results commit are made from. It never changes under the
 * reader, and holds no credentials.
 *
 * @param verified what provenance proved, or null where no check ran
 * @param receivedAt when the agent received the request, by its own clock
 * @param config the validated config, or null where the run was rejected before it was read
 * @param outcome how the run ends, once every job has ended; null before
 * @param earlyStop what early stopping did, for a run with {@code EARLY_STOP=asha}; null otherwise
 */
public record RunRecord(
    String runId,
    String commit,
    int attempt,
    RunState state,
    @Nullable String message,
    String updatedAt,
    @Nullable Verified verified,
    String receivedAt,
    @Nullable String configSha256,
    @Nullable String scheduler,
    @Nullable Path runDir,
    @Nullable String finishedAt,
    @Nullable String resultsCommit,
    @Nullable RunState outcome,
    @Nullable String outcomeMessage,
    @Nullable ExperimentConfig config,
    List<JobRecord> jobs,
    @Nullable EarlyStopRecord earlyStop) {

  public RunRecord {
    jobs = List.copyOf(jobs);
  }

  /**
   * What provenance proved through Git about the run's commit: the only facts about a request that
   * reach a results commit (request.json proves nothing). Committer text: escape where it lands.
   */
  public record Verified(
      @Nullable String branch,
      @Nullable String subject,
      @Nullable String authorName,
      @Nullable String authorEmail,
      @Nullable String committedAt) {}
}
