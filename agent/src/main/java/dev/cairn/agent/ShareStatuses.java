package dev.cairn.agent;

import dev.cairn.Json;
import dev.cairn.model.JobRecord;
import dev.cairn.model.RunRecord;
import dev.cairn.model.RunState;
import dev.cairn.model.RunStatus;
import dev.cairn.model.ShareRecord;
import dev.cairn.model.StoreKeys;
import dev.cairn.plan.JobSpec;
import dev.cairn.plan.RunPlan;
import dev.cairn.publish.ShareOutputs;
import dev.cairn.store.NotARegularFileException;
import dev.cairn.store.ObjectStore;
import dev.cairn.store.ObjectTooLargeException;
import dev.cairn.store.StoredObject;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code status.json} of a run shared by clusters. Each agent writes its share's live status
 * ({@code clusters/<name>/status.json}, one writer each) and, on each change of its own, the run's
 * {@code status.json}: its trials with every other share's as that share last reported them, in the
 * plan's order, each with its cluster. Several agents write the run's file, so none replaces a
 * terminal one of the same attempt with a state that is not; the terminal one comes only from an
 * agent that merged every share's end record, which all agents merge alike.
 */
final class ShareStatuses {
  /** Compare-and-swap attempts on status.json before a non-terminal view gives way. */
  private static final int MAX_SWAPS = 5;

  private final ObjectStore store;
  private final Shares shares;
  private final Plans plans;

  ShareStatuses(ObjectStore store, Shares shares, Plans plans) {
    this.store = store;
    this.shares = shares;
    this.plans = plans;
  }

  /** Writes the share's status and the run's; false where the run's was left as it was. */
  boolean write(Run run) throws IOException {
    RunShare share = java.util.Objects.requireNonNull(run.share(), "a run of one cluster");
    RunRecord snapshot = run.snapshot(null);
    if (!share.merged()) {
      ShareRecord own =
          shares.record(run, share.cluster(), snapshot.jobs(), null, ShareOutputs.NONE);
      store.put(
          StoreKeys.shareStatusKey(run.commit(), run.attempt(), share.cluster()),
          Json.MAPPER.writeValueAsBytes(own));
    }
    RunStatus status =
        run.state().isTerminal() || share.merged() || run.scheduler() == null
            ? RunStatus.of(snapshot)
            : merged(run, share, snapshot);
    return replace(run, status);
  }

  /**
   * Writes the run's status.json unless a terminal one of this attempt is there. The check and the
   * write are one compare-and-swap on the object's ETag: another agent that writes in between (its
   * terminal view, say) makes the write fail, and it is read again. A terminal view is written in
   * any case, as every agent's terminal view is the same merge of the same end records.
   */
  private boolean replace(Run run, RunStatus status) throws IOException {
    String key = StoreKeys.statusKey(run.commit());
    byte[] bytes = Json.MAPPER.writeValueAsBytes(status);
    for (int attempt = 1; attempt <= MAX_SWAPS; attempt++) {
      Optional<StoredObject> there;
      try {
        there = store.get(key, 4L << 20);
      } catch (ObjectTooLargeException | NotARegularFileException e) {
        // not one an agent wrote: written over as before (a planted link or folder throws again)
        store.put(key, bytes);
        return true;
      }
      if (!status.state().isTerminal() && there.isPresent() && terminal(run, there.get())) {
        return false;
      }
      if (store.putIfMatch(key, bytes, there.map(StoredObject::etag).orElse(null))) {
        return true;
      }
    }
    if (status.state().isTerminal()) {
      store.put(key, bytes);
      return true;
    }
    // the others keep writing: this agent's view waits for its next tick
    return false;
  }

  /** Every cluster's trials as last reported, and the state of the share furthest behind. */
  private RunStatus merged(Run run, RunShare share, RunRecord snapshot) throws IOException {
    RunPlan plan = plans.of(run);
    Map<String, JobRecord> byTrial = new HashMap<>();
    snapshot.jobs().forEach(j -> byTrial.put(j.trial(), j));
    List<RunState> going = new ArrayList<>();
    if (!share.ended()) {
      going.add(run.state());
    }
    for (String c : share.others()) {
      Optional<ShareRecord> end = shares.end(run, plan, c);
      Optional<ShareRecord> reported =
          end.isPresent()
              ? end
              : shares.read(run, StoreKeys.shareStatusKey(run.commit(), run.attempt(), c));
      if (end.isEmpty()) {
        going.add(reported.map(ShareRecord::state).orElse(RunState.RECEIVED));
      }
      reported.ifPresent(r -> r.jobs().forEach(j -> byTrial.putIfAbsent(j.trial(), j)));
    }
    List<JobRecord> jobs = new ArrayList<>();
    for (JobSpec spec : plan.jobs()) {
      JobRecord j = byTrial.get(spec.trial().id());
      if (j != null && spec.trial().cluster().equals(j.cluster())) {
        jobs.add(j);
      }
    }
    RunState state = overall(going, going.size() < share.clusters().size());
    return new RunStatus(
        1,
        run.commit(),
        run.runId(),
        run.attempt(),
        state,
        run.message(),
        run.updatedAt(),
        jobs,
        null);
  }

  /**
   * The run's state from its shares still going: RUNNING once any trial of any cluster ran (a share
   * that ended ran its trials), collecting or publishing only once every share is, else SUBMITTED
   * or RECEIVED as the furthest share is.
   */
  static RunState overall(List<RunState> going, boolean someEnded) {
    if (going.isEmpty()) {
      return RunState.PUBLISHING;
    }
    if (going.stream().allMatch(s -> s.ordinal() >= RunState.COLLECTING.ordinal())) {
      return going.stream()
          .min(java.util.Comparator.comparingInt(RunState::ordinal))
          .orElse(RunState.PUBLISHING);
    }
    if (someEnded || going.stream().anyMatch(s -> s.ordinal() >= RunState.RUNNING.ordinal())) {
      return RunState.RUNNING;
    }
    return going.contains(RunState.SUBMITTED) ? RunState.SUBMITTED : RunState.RECEIVED;
  }

  /** Whether {@code there} is a terminal status.json of this attempt. */
  private static boolean terminal(Run run, StoredObject there) {
    try {
      RunStatus status = Json.MAPPER.readValue(there.content(), RunStatus.class);
      return status.attempt() == run.attempt()
          && status.state() != null
          && status.state().isTerminal();
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }
}
