package dev.cairn.agent;

import com.fasterxml.jackson.annotation.JsonProperty;
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
  /** The format of the record this agent writes; records of a newer one are not read. */
  static final int SCHEMA = 1;

  public int schema = SCHEMA;
  public String runId;
  public String queueKey;
  public RunRequest request;

  /** What provenance proved through Git; null until then, and without a provenance check. */
  public VerifiedCommit verified;

  /** Changed only by the transitions below, each of which refuses what cannot happen. */
  @JsonProperty private RunState state = RunState.RECEIVED;

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

  public RunState state() {
    return state;
  }

  /** Its jobs are planned and their scripts written: they go to the scheduler. */
  void planned(String why) {
    move(RunState.SUBMITTED, state == RunState.RECEIVED, "only a received run is planned");
    message = why;
  }

  /** The request or its config cannot run: the run ends here. */
  void rejected(String why) {
    move(RunState.REJECTED, !state.isTerminal(), "the run ended already");
    message = why;
  }

  /** A first job started. */
  void started() {
    move(RunState.RUNNING, state == RunState.SUBMITTED, "only a submitted run starts");
  }

  /** Every job ended: the outputs are collected and the outcome decided. */
  void collecting(String why) {
    move(
        RunState.COLLECTING,
        state == RunState.SUBMITTED || state == RunState.RUNNING,
        "only a run with jobs collects");
    message = why;
  }

  /** The outcome is decided: the results are published. */
  void publishing(String why, String at) {
    move(RunState.PUBLISHING, state == RunState.COLLECTING, "only a collected run publishes");
    message = why;
    finishedAt = at;
  }

  /** Published (or with nothing to publish to): the run ends as its outcome decided. */
  void ended() {
    move(
        outcome,
        state == RunState.PUBLISHING && outcome != null && outcome.isTerminal(),
        "a run ends once published, as an outcome decided before");
    message = outcomeMessage;
  }

  /** Cancelled (a newer attempt, a user): the run ends; its jobs end with it. */
  void cancelled(String why) {
    move(RunState.CANCELLED, !state.isTerminal(), "the run ended already");
    message = why;
    jobs.forEach(j -> j.cancelled(why));
  }

  private void move(RunState to, boolean allowed, String why) {
    if (!allowed) {
      throw new IllegalTransition("run " + runId, state, String.valueOf(to), why);
    }
    state = to;
  }

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
