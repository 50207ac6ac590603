package dev.cairn.agent;

import dev.cairn.Faults;
import dev.cairn.Json;
import dev.cairn.config.ClusterSettings;
import dev.cairn.model.JobRecord;
import dev.cairn.model.RunRecord;
import dev.cairn.model.RunState;
import dev.cairn.model.ShareRecord;
import dev.cairn.model.StoreKeys;
import dev.cairn.plan.JobSpec;
import dev.cairn.plan.RunPlan;
import dev.cairn.publish.RunPublisher;
import dev.cairn.publish.ShareOutputs;
import dev.cairn.store.NotARegularFileException;
import dev.cairn.store.ObjectStore;
import dev.cairn.store.ObjectTooLargeException;
import dev.cairn.store.StoredObject;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The clusters' side of a run whose config routes trials to several ({@code CLUSTER}). Each agent
 * runs its cluster's share as a run of its own; here it ends the share, waits for the others, gives
 * up a cluster that stayed quiet past {@code CAIRN_CLUSTER_WAIT}, and merges every share into the
 * run that is published. Only immutable objects written with a conditional write decide anything: a
 * share ends exactly once ({@code clusters/<name>/end.json}, by its agent or by an agent giving it
 * up), and every agent merges the same end records into the same run, so whichever publishes first,
 * Git's compare-and-swap on the branch keeps one results commit (see {@link
 * dev.cairn.git.GitPublisher#publishOnce}). Any agent that outlives the others publishes.
 */
final class Shares {
  private static final Logger log = LoggerFactory.getLogger(Shares.class);
  private final ObjectStore store;
  private final RunPublisher publisher;
  private final Plans plans;
  private final RunBook book;
  private final Clock clock;
  private final String agentId;
  private final ClusterSettings cluster;
  private final LastSeen lastSeen;
  private final Faults faults;

  /** When a cluster's agent was last seen alive, by its announcements in the store. */
  interface LastSeen {
    Optional<Instant> of(String cluster) throws IOException;
  }

  Shares(
      ObjectStore store,
      RunPublisher publisher,
      Plans plans,
      RunBook book,
      Clock clock,
      String agentId,
      LastSeen lastSeen,
      Faults faults) {
    this.store = store;
    this.publisher = publisher;
    this.plans = plans;
    this.book = book;
    this.clock = clock;
    this.agentId = agentId;
    this.cluster = plans.cluster();
    this.lastSeen = lastSeen;
    this.faults = faults;
  }

  /**
   * A share still running that another agent gave up (its cluster was quiet too long): its jobs are
   * cancelled and end CANCELLED, and the run goes on to merge what the end record says.
   */
  void watch(Run run, Cancellation cancellation) throws IOException, InterruptedException {
    RunShare share = run.share();
    if (share == null || share.left() || share.ended() || run.state().isTerminal()) {
      return;
    }
    Optional<ShareRecord> end =
        read(run, StoreKeys.shareEndKey(run.commit(), run.attempt(), share.cluster()));
    if (end.isEmpty() || end.get().givenUp() == null) {
      return;
    }
    String why =
        "cluster " + share.cluster() + " was given up by another agent: " + end.get().givenUp();
    log.warn("run {}: {}; cancelling this cluster's jobs", run.runId(), why);
    cancellation.cancelJobs(run);
    run.givenUp(why);
    book.save(run);
  }

  /**
   * For a publishing run: ends this share (once), waits for every other, gives up the quiet ones,
   * and merges them all into the run, whose outcome is then decided over every trial. True once the
   * run is merged and may be published.
   */
  boolean complete(Run run, RunPlan plan) throws Exception {
    RunShare share = java.util.Objects.requireNonNull(run.share(), "a run of one cluster");
    if (share.merged()) {
      return true;
    }
    if (!share.ended()) {
      endOwn(run, share);
      run.shares(share.withEnded());
      book.save(run);
      faults.at("share-ended");
    }
    Map<String, ShareRecord> ends = new LinkedHashMap<>();
    List<String> waiting = new ArrayList<>();
    for (String c : share.clusters()) {
      Optional<ShareRecord> end = end(run, plan, c);
      if (end.isEmpty()) {
        end = giveUpIfQuiet(run, plan, c);
      }
      if (end.isPresent()) {
        ends.put(c, end.get());
      } else {
        waiting.add(c);
      }
    }
    if (!waiting.isEmpty()) {
      String says = waitingFor(run, waiting);
      if (!says.equals(run.message())) {
        run.says(says);
        book.save(run);
      }
      return false;
    }
    List<JobRun> all = new ArrayList<>();
    for (JobSpec spec : plan.jobs()) {
      ShareRecord end =
          java.util.Objects.requireNonNull(
              ends.get(spec.trial().cluster()), "every cluster of the plan has ended");
      JobRecord record =
          end.jobs().stream()
              .filter(j -> j.trial().equals(spec.trial().id()))
              .findFirst()
              .orElseThrow();
      all.add(JobRun.ended(record, end.scheduler() == null ? "" : end.scheduler()));
    }
    run.merged(all);
    Outcome.decide(run, plan.config().gateRule());
    book.save(run);
    faults.at("merged");
    log.info(
        "run {}: {} cluster(s) merged ({} trial(s)): {}",
        run.runId(),
        ends.size(),
        all.size(),
        run.outcome());
    return true;
  }

  /** Every share's end record, in the order of the run's clusters: what the publisher merges. */
  List<ShareRecord> ends(Run run, RunPlan plan) throws IOException {
    RunShare share = java.util.Objects.requireNonNull(run.share(), "a run of one cluster");
    List<ShareRecord> ends = new ArrayList<>();
    for (String c : share.clusters()) {
      ends.add(
          end(run, plan, c)
              .orElseThrow(() -> new IOException("the end record of cluster " + c + " is gone")));
    }
    return ends;
  }

  /** Uploads this share's outputs and writes its end record, unless one is there already. */
  private void endOwn(Run run, RunShare share) throws Exception {
    String key = StoreKeys.shareEndKey(run.commit(), run.attempt(), share.cluster());
    RunRecord snapshot = run.snapshot(plans.of(run).config());
    ShareOutputs outputs = publisher.versionShare(snapshot);
    ShareRecord own = record(run, share.cluster(), snapshot.jobs(), null, outputs);
    faults.at("share-end");
    if (store.putIfAbsent(key, Json.MAPPER.writeValueAsBytes(own))) {
      log.info(
          "run {}: the share of cluster {} ended ({} trial(s)); waiting for {}",
          run.runId(),
          share.cluster(),
          snapshot.jobs().size(),
          share.others().isEmpty() ? "no other cluster" : String.join(", ", share.others()));
      return;
    }
    Optional<ShareRecord> there = read(run, key);
    if (there.isPresent() && there.get().givenUp() != null) {
      log.warn(
          "run {}: cluster {} was given up by agent {} before its share ended here: {}",
          run.runId(),
          share.cluster(),
          there.get().writtenBy(),
          there.get().givenUp());
    }
  }

  /**
   * Ends a quiet cluster's share for it: where its agent was last seen (announced, or wrote its
   * share's status) longer ago than {@code CAIRN_CLUSTER_WAIT}, or never and the run was received
   * here that long ago, its trials end FAILED with the reason, keeping those that had ended.
   */
  private Optional<ShareRecord> giveUpIfQuiet(Run run, RunPlan plan, String quiet)
      throws IOException {
    Instant seen = seen(run, quiet);
    Instant now = clock.instant();
    if (Duration.between(seen, now).compareTo(cluster.quietWait()) < 0) {
      return Optional.empty();
    }
    String why =
        "cluster "
            + quiet
            + " not seen since "
            + seen
            + " (CAIRN_CLUSTER_WAIT="
            + describe(cluster.quietWait())
            + ")";
    Optional<ShareRecord> status =
        read(run, StoreKeys.shareStatusKey(run.commit(), run.attempt(), quiet));
    List<JobRecord> jobs = new ArrayList<>();
    for (JobRecord planned : ShareChecks.planned(plan, quiet, status)) {
      jobs.add(planned.state().isTerminal() ? planned : ShareChecks.failed(planned, why));
    }
    ShareRecord given = record(run, quiet, jobs, why, ShareOutputs.NONE);
    faults.at("give-up");
    String key = StoreKeys.shareEndKey(run.commit(), run.attempt(), quiet);
    if (store.putIfAbsent(key, Json.MAPPER.writeValueAsBytes(given))) {
      log.warn(
          "run {}: {}; its trials end FAILED and the run publishes without them", run.runId(), why);
    }
    return end(run, plan, quiet);
  }

  private Instant seen(Run run, String quiet) throws IOException {
    Instant seen = Instant.parse(run.createdAt());
    Optional<Instant> announced = lastSeen.of(quiet);
    if (announced.isPresent() && announced.get().isAfter(seen)) {
      seen = announced.get();
    }
    Optional<ShareRecord> status =
        read(run, StoreKeys.shareStatusKey(run.commit(), run.attempt(), quiet));
    if (status.isPresent()) {
      Instant at = instant(status.get().updatedAt());
      if (at != null && at.isAfter(seen)) {
        seen = at;
      }
    }
    return seen;
  }

  private String waitingFor(Run run, List<String> waiting) throws IOException {
    List<String> parts = new ArrayList<>();
    for (String c : waiting) {
      Instant seen = seen(run, c);
      parts.add(c + " (last seen " + seen + ")");
    }
    return "waiting for cluster " + String.join(", ", parts);
  }

  /**
   * The end record of cluster {@code c}, checked against the run's plan ({@link ShareChecks}): its
   * trials are exactly the plan's trials for {@code c} (one it lacks ends FAILED), and each output
   * file belongs to one.
   */
  Optional<ShareRecord> end(Run run, RunPlan plan, String c) throws IOException {
    return read(run, StoreKeys.shareEndKey(run.commit(), run.attempt(), c))
        .map(r -> ShareChecks.checked(r, plan, c));
  }

  /** This agent's share, or one it gives up, as a record for the store. */
  ShareRecord record(
      Run run, String c, List<JobRecord> jobs, @Nullable String givenUp, ShareOutputs outputs) {
    return new ShareRecord(
        ShareRecord.SCHEMA,
        run.commit(),
        run.attempt(),
        run.runId(),
        c,
        givenUp == null ? run.scheduler() : null,
        givenUp == null ? run.state() : RunState.FAILED,
        givenUp == null ? run.message() : givenUp,
        clock.instant().toString(),
        jobs,
        givenUp,
        agentId,
        outputs.outputs(),
        outputs.files());
  }

  /**
   * A share record of this run at {@code key}: anyone's object, so read with a limit, and one that
   * is damaged, too large or of another run counts as absent (and is logged).
   */
  Optional<ShareRecord> read(Run run, String key) throws IOException {
    Optional<StoredObject> stored;
    try {
      stored = store.get(key, ShareRecord.MAX_BYTES);
    } catch (ObjectTooLargeException | NotARegularFileException e) {
      log.warn("run {}: ignoring {}: {}", run.runId(), key, e.getMessage());
      return Optional.empty();
    }
    if (stored.isEmpty()) {
      return Optional.empty();
    }
    try {
      ShareRecord r = Json.MAPPER.readValue(stored.get().content(), ShareRecord.class);
      if (!r.commit().equals(run.commit())
          || r.attempt() != run.attempt()
          || !r.runId().equals(run.runId())
          || r.schema() > ShareRecord.SCHEMA) {
        log.warn("run {}: ignoring {}: it is not a share record of this run", run.runId(), key);
        return Optional.empty();
      }
      return Optional.of(r);
    } catch (IOException | RuntimeException e) {
      log.warn("run {}: ignoring {}: {}", run.runId(), key, e.getMessage());
      return Optional.empty();
    }
  }

  private static @Nullable Instant instant(String text) {
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  static String describe(Duration d) {
    long s = d.toSeconds();
    if (s % 86_400 == 0) {
      return s / 86_400 + "d";
    }
    if (s % 3600 == 0) {
      return s / 3600 + "h";
    }
    if (s % 60 == 0) {
      return s / 60 + "m";
    }
    return s + "s";
  }
}
