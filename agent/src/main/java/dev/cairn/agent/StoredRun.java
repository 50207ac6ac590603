package dev.cairn.agent;

import dev.cairn.model.EarlyStopRecord;
import dev.cairn.model.RunRequest;
import dev.cairn.model.RunState;
import dev.cairn.model.VerifiedCommit;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A run as its record under {@code <state>/runs/} holds it, schema {@value #SCHEMA}: exactly the
 * file's fields, in the file's order, written and read by {@code Json.MAPPER} (snake_case keys,
 * nulls left out). {@link Run} converts to and from it, so the loop's class can change shape
 * without changing the file; a record of an older form reaches this type only through {@link
 * StoredForm}'s migrations.
 *
 * @param schema the form of the record, {@value #SCHEMA} for every record this agent writes
 * @param runId the run's id; the key, for records written before runs kept one
 * @param jobs the trials' jobs, as {@link StoredJob}s
 * @param statusPending status.json not yet written for the latest change
 * @param publishPending results not yet published (retried next tick)
 * @param share this agent's share of a run routed to several clusters; absent otherwise
 */
record StoredRun(
    int schema,
    String runId,
    @Nullable String queueKey,
    RunRequest request,
    @Nullable VerifiedCommit verified,
    RunState state,
    @Nullable String message,
    String createdAt,
    String updatedAt,
    @Nullable String configSha256,
    @Nullable String scheduler,
    @Nullable String runDir,
    List<StoredJob> jobs,
    @Nullable String resultsCommit,
    @Nullable RunState outcome,
    @Nullable String outcomeMessage,
    @Nullable String finishedAt,
    @Nullable EarlyStopRecord earlyStop,
    boolean statusPending,
    boolean publishPending,
    @Nullable RunShare share) {

  /** The form this agent writes; a record of a newer one is not read. */
  static final int SCHEMA = 2;

  /** Refuses a damaged record, which would otherwise fail later in the loop. */
  StoredRun {
    Objects.requireNonNull(runId, "a run record without its id");
    Objects.requireNonNull(request, "a run record without its request");
    Objects.requireNonNull(state, "a run record without its state");
    Objects.requireNonNull(createdAt, "a run record without its receipt time");
    Objects.requireNonNull(updatedAt, "a run record without its update time");
    // a list the file lacks binds as null; every form written so far has one
    jobs = jobs == null ? List.of() : List.copyOf(jobs);
  }
}
