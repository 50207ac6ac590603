package dev.cairn.agent;

import dev.cairn.config.ExperimentConfig;
import dev.cairn.model.RunRecord;
import dev.cairn.model.RunRequest;
import dev.cairn.model.RunState;
import dev.cairn.model.VerifiedCommit;
import dev.cairn.plan.RunPlan;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The agent's record of one run: the request, where it stands, and its jobs. Mutable, owned by the
 * loop thread, persisted under the state folder after every change so that a restarted agent
 * carries on where it stopped.
 */
public final class Run {
  public int schema = 1;
  public String runId;
  public String queueKey;
  public RunRequest request;

  /** What provenance proved through Git; null until then, and without a provenance check. */
  public VerifiedCommit verified;

  public RunState state = RunState.RECEIVED;
  public String message;
  public String createdAt;
  public String updatedAt;
  public String configSha256;
  public String scheduler;
  public String runDir;
  public List<JobRun> jobs = new ArrayList<>();
  public String resultsCommit;

  /** How the run ends, decided once every job has ended and before its results are published. */
  public RunState outcome;

  public String outcomeMessage;
  public String finishedAt;

  /** status.json not yet written for the latest change (the store was unreachable). */
  public boolean statusPending = true;

  /** Results not yet published (the publisher failed; retried next tick). */
  public boolean publishPending;

  public String commit() {
    return request.commit();
  }

  public int attempt() {
    return request.attemptOrFirst();
  }

  /** The full commit and the attempt: what keys the run's record, so no request takes another's. */
  public String key() {
    return RunPlan.key(commit(), attempt());
  }

  /** An immutable copy for status, summary and publishing; {@code config} may be null. */
  public RunRecord snapshot(ExperimentConfig config) {
    return new RunRecord(
        runId,
        commit(),
        attempt(),
        state,
        message,
        updatedAt,
        verified == null
            ? null
            : new RunRecord.Verified(
                verified.branch(),
                verified.subject(),
                verified.authorName(),
                verified.authorEmail(),
                verified.committedAt()),
        createdAt,
        configSha256,
        scheduler,
        runDir == null ? null : Path.of(runDir),
        finishedAt,
        resultsCommit,
        outcome,
        outcomeMessage,
        config,
        jobs.stream().map(JobRun::snapshot).toList());
  }

  /** The job of a trial, or the first job of a task. */
  public JobRun job(String task) {
    return jobs.stream()
        .filter(j -> j.id().equals(task) || j.task.equals(task))
        .findFirst()
        .orElseThrow();
  }
}
