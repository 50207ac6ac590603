package dev.cairn.agent;

import dev.cairn.config.ExperimentConfig;
import dev.cairn.model.EarlyStopRecord;
import dev.cairn.model.RunRecord;
import dev.cairn.model.RunRequest;
import dev.cairn.model.RunState;
import dev.cairn.model.RungDecision;
import dev.cairn.model.VerifiedCommit;
import dev.cairn.plan.RunPlan;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The agent's record of one run: the request, where it stands, and its jobs. Owned by the loop
 * thread, persisted under the state folder after every change so that a restarted agent carries on
 * where it stopped; its record on disk is a {@link StoredRun}, converted by {@link #stored()} and
 * {@link #restored(StoredRun)}. The run changes only through the transitions below; its jobs are
 * immutable {@link JobRun} values, each change a new value put in the old one's place by {@link
 * #replace}.
 */
public final class Run {
  private @Nullable String runId;
  private @Nullable String queueKey;
  private @Nullable RunRequest request;

  /** What provenance proved through Git; null until then, and without a provenance check. */
  private @Nullable VerifiedCommit verified;

  /** Changed only by the transitions below, each of which refuses what cannot happen. */
  private RunState state = RunState.RECEIVED;

  private @Nullable String message;
  private @Nullable String createdAt;
  private @Nullable String updatedAt;
  private @Nullable String configSha256;
  private @Nullable String scheduler;
  private @Nullable String runDir;
  private final List<JobRun> jobs = new ArrayList<>();
  private @Nullable String resultsCommit;

  /** How the run ends, decided once every job has ended and before its results are published. */
  private @Nullable RunState outcome;

  private @Nullable String outcomeMessage;
  private @Nullable String finishedAt;

  /**
   * With {@code EARLY_STOP=asha}: the rules, every rung decision (saved before any stop acts on it)
   * and the savings so far; null for a run without early stopping.
   */
  private @Nullable EarlyStopRecord earlyStop;

  /** status.json not yet written for the latest change (the store was unreachable). */
  private boolean statusPending = true;

  /** Results not yet published (the publisher failed; retried next tick). */
  private boolean publishPending;

  /** This agent's share where the config routes trials to clusters; null where it routes none. */
  private @Nullable RunShare share;

  /** A run received from the store: its request, where it is queued, and its folder. */
  Run(
      String runId,
      String queueKey,
      RunRequest request,
      String receivedAt,
      String configSha256,
      @Nullable String runDir,
      @Nullable String message) {
    this.runId = runId;
    this.queueKey = queueKey;
    this.request = request;
    this.createdAt = receivedAt;
    this.updatedAt = receivedAt;
    this.configSha256 = configSha256;
    this.runDir = runDir;
    this.message = message;
  }

  /** For {@link #restored(StoredRun)}, which fills the fields. */
  private Run() {}

  /** The run as its record on disk holds it. */
  StoredRun stored() {
    return new StoredRun(
        StoredRun.SCHEMA,
        runId(),
        queueKey,
        request(),
        verified,
        state,
        message,
        createdAt(),
        updatedAt(),
        configSha256,
        scheduler,
        runDir,
        jobs.stream().map(JobRun::stored).toList(),
        resultsCommit,
        outcome,
        outcomeMessage,
        finishedAt,
        earlyStop,
        statusPending,
        publishPending,
        share);
  }

  /**
   * The run a record of the current form holds (older forms are migrated by {@link StoredForm}).
   */
  static Run restored(StoredRun stored) {
    Run run = new Run();
    run.runId = stored.runId();
    run.queueKey = stored.queueKey();
    run.request = stored.request();
    run.verified = stored.verified();
    run.state = stored.state();
    run.message = stored.message();
    run.createdAt = stored.createdAt();
    run.updatedAt = stored.updatedAt();
    run.configSha256 = stored.configSha256();
    run.scheduler = stored.scheduler();
    run.runDir = stored.runDir();
    stored.jobs().forEach(j -> run.jobs.add(JobRun.restored(j)));
    run.resultsCommit = stored.resultsCommit();
    run.outcome = stored.outcome();
    run.outcomeMessage = stored.outcomeMessage();
    run.finishedAt = stored.finishedAt();
    run.earlyStop = stored.earlyStop();
    run.statusPending = stored.statusPending();
    run.publishPending = stored.publishPending();
    run.share = stored.share();
    return run;
  }

  /** Set when received; a record from before runs kept an id has its key (see StoredForm). */
  public String runId() {
    return java.util.Objects.requireNonNull(runId, "a run record without an id");
  }

  public @Nullable String queueKey() {
    return queueKey;
  }

  public RunRequest request() {
    return java.util.Objects.requireNonNull(request, "a run without a request");
  }

  public @Nullable VerifiedCommit verified() {
    return verified;
  }

  public @Nullable String message() {
    return message;
  }

  /** When this agent received the run; set when received, or when an older record is loaded. */
  public String createdAt() {
    return java.util.Objects.requireNonNull(createdAt, "a run record without its receipt time");
  }

  public String updatedAt() {
    return java.util.Objects.requireNonNull(updatedAt, "a run record without its update time");
  }

  public @Nullable String configSha256() {
    return configSha256;
  }

  /** The scheduler the run is planned on; null until planned (a rejected run never is). */
  public @Nullable String scheduler() {
    return scheduler;
  }

  /** The scheduler of a run whose jobs are planned; asking before is a bug. */
  String plannedOn() {
    String planned = scheduler;
    if (planned == null) {
      throw new IllegalStateException("run " + runId + " is not planned on a scheduler yet");
    }
    return planned;
  }

  public @Nullable String runDir() {
    return runDir;
  }

  /** The run's jobs, read-only. */
  public List<JobRun> jobs() {
    return Collections.unmodifiableList(jobs);
  }

  /**
   * Puts {@code next}, a transition of {@code current}, in its place and returns it. {@code
   * current} must be the run's value of that job now: a value read before the job last changed is
   * refused, so that no step acts on a job as it was.
   */
  JobRun replace(JobRun current, JobRun next) {
    if (!current.id().equals(next.id())) {
      throw new IllegalArgumentException(
          "job " + next.id() + " cannot take the place of job " + current.id());
    }
    for (int i = 0; i < jobs.size(); i++) {
      if (jobs.get(i) == current) {
        jobs.set(i, next);
        return next;
      }
    }
    throw new IllegalStateException(
        "job "
            + current.id()
            + " of run "
            + runId
            + " changed since this value of it was read: act on the run's value");
  }

  public @Nullable String resultsCommit() {
    return resultsCommit;
  }

  public @Nullable RunState outcome() {
    return outcome;
  }

  public @Nullable String outcomeMessage() {
    return outcomeMessage;
  }

  public @Nullable String finishedAt() {
    return finishedAt;
  }

  public @Nullable EarlyStopRecord earlyStop() {
    return earlyStop;
  }

  /** The rung decisions on record, oldest first; none without early stopping. */
  public List<RungDecision> rungDecisions() {
    EarlyStopRecord e = earlyStop;
    return e == null ? List.of() : e.decisions();
  }

  /** Early stopping's record after a tick: new decisions, each saved before it is acted on. */
  void earlyStop(EarlyStopRecord next) {
    EarlyStopRecord e = earlyStop;
    List<RungDecision> kept = e == null ? List.of() : e.decisions();
    if (next.decisions().size() < kept.size()
        || !next.decisions().subList(0, kept.size()).equals(kept)) {
      throw new IllegalTransition(
          "run " + runId,
          state,
          "early-stop",
          "a rung decision on record is never changed or dropped");
    }
    earlyStop = next;
  }

  /** This agent's share of a run routed to clusters; null for a run that routes none. */
  public @Nullable RunShare share() {
    return share;
  }

  /** The run routes trials to clusters: this agent runs {@code next}'s share of it. */
  void shares(RunShare next) {
    RunShare current = share;
    if (current != null && !current.cluster().equals(next.cluster())) {
      throw new IllegalTransition(
          "run " + runId, state, "share", "a run's share never moves to another cluster");
    }
    share = next;
  }

  /**
   * The other clusters' trials, ended, join the run once every share has ended, in the plan's order
   * of trials, so that its outcome, report and results cover them all.
   */
  void merged(List<JobRun> all) {
    RunShare current = share;
    if (current == null || state != RunState.PUBLISHING) {
      throw new IllegalTransition(
          "run " + runId, state, "merged", "only a publishing run of several clusters merges");
    }
    if (!all.stream().allMatch(JobRun::isDone)) {
      throw new IllegalTransition("run " + runId, state, "merged", "only ended trials are merged");
    }
    jobs.clear();
    jobs.addAll(all);
    share = current.withMerged();
  }

  public boolean statusPending() {
    return statusPending;
  }

  public boolean publishPending() {
    return publishPending;
  }

  /** The run changed at {@code at}: its status.json is due. */
  void changed(String at) {
    updatedAt = at;
    statusPending = true;
  }

  /** status.json was written for the latest change (or need not be). */
  void statusWritten() {
    statusPending = false;
  }

  /** What the run is doing now, in one line for status.json. */
  void says(@Nullable String what) {
    message = what;
  }

  /** Provenance proved the commit through Git. */
  void verified(@Nullable VerifiedCommit commit) {
    verified = commit;
  }

  /** The run is planned on {@code scheduler} as {@code planned} jobs. */
  void prepared(String scheduler, List<JobRun> planned) {
    this.scheduler = scheduler;
    jobs.addAll(planned);
  }

  /** The outcome, decided once every job ended, and why. */
  void decided(RunState outcome, String why) {
    this.outcome = outcome;
    this.outcomeMessage = why;
  }

  /** The results went to Git as {@code commit} (null: nothing to publish to). */
  void published(@Nullable String commit) {
    resultsCommit = commit;
  }

  /**
   * Retention deleted the run's folder and kept of its request only what identifies it, and of its
   * message one line.
   */
  void compacted(RunRequest slim, @Nullable String line) {
    runDir = null;
    request = slim;
    message = line;
  }

  /** A request stored before submission times were checked, repaired on load. */
  void repaired(RunRequest request) {
    this.request = request;
  }

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
    RunState decided = outcome;
    if (decided == null || state != RunState.PUBLISHING || !decided.isTerminal()) {
      throw new IllegalTransition(
          "run " + runId,
          state,
          String.valueOf(decided),
          "a run ends once published, as an outcome decided before");
    }
    state = decided;
    message = outcomeMessage;
  }

  /**
   * Another agent ended this cluster's share (it found the cluster quiet for longer than {@code
   * CAIRN_CLUSTER_WAIT}): the jobs still going end CANCELLED with {@code why}, and the run goes on
   * to merge and publish what the share's end record says.
   */
  void givenUp(String why) {
    if (share == null || state.isTerminal()) {
      throw new IllegalTransition(
          "run " + runId,
          state,
          "given-up",
          "only an active share of several clusters is given up");
    }
    jobs.replaceAll(j -> j.cancelled(why));
  }

  /** Cancelled (a newer attempt, a user): the run ends; its jobs end with it. */
  void cancelled(String why) {
    move(RunState.CANCELLED, !state.isTerminal(), "the run ended already");
    message = why;
    jobs.replaceAll(j -> j.cancelled(why));
  }

  private void move(RunState to, boolean allowed, String why) {
    if (!allowed) {
      throw new IllegalTransition("run " + runId, state, String.valueOf(to), why);
    }
    state = to;
  }

  public String commit() {
    return request().commit();
  }

  public int attempt() {
    return request().attemptOrFirst();
  }

  /** The full commit and the attempt: what keys the run's record, so no request takes another's. */
  public String key() {
    return RunPlan.key(commit(), attempt());
  }

  /** An immutable copy for status, summary and publishing; {@code config} may be null. */
  public RunRecord snapshot(@Nullable ExperimentConfig config) {
    VerifiedCommit verified = this.verified;
    String runDir = this.runDir;
    return new RunRecord(
        runId(),
        commit(),
        attempt(),
        state,
        message,
        updatedAt(),
        verified == null
            ? null
            : new RunRecord.Verified(
                verified.branch(),
                verified.subject(),
                verified.authorName(),
                verified.authorEmail(),
                verified.committedAt()),
        createdAt(),
        configSha256,
        scheduler,
        runDir == null ? null : Path.of(runDir),
        finishedAt,
        resultsCommit,
        outcome,
        outcomeMessage,
        config,
        jobs.stream().map(JobRun::snapshot).toList(),
        earlyStop);
  }

  /** The job of a trial, or the first job of a task. */
  public JobRun job(String task) {
    return jobs.stream()
        .filter(j -> j.id().equals(task) || j.task().equals(task))
        .findFirst()
        .orElseThrow();
  }
}
