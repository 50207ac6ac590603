package dev.cairn.agent;

import dev.cairn.Json;
import dev.cairn.Untrusted;
import dev.cairn.model.RunRequest;
import dev.cairn.model.RunState;
import dev.cairn.model.StoreKeys;
import dev.cairn.scheduler.Schedulers;
import dev.cairn.store.NotARegularFileException;
import dev.cairn.store.ObjectStore;
import dev.cairn.store.ObjectTooLargeException;
import dev.cairn.store.StoredObject;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stops runs: those someone asked to cancel ({@code agent.jar cancel} writes {@code
 * runs/<commit>/cancel}) and those a newer commit supersedes. Every job that has not ended is
 * cancelled in its scheduler, and the run ends CANCELLED with the reason.
 */
final class Cancellation {
  private static final Logger log = LoggerFactory.getLogger(Cancellation.class);
  private final ObjectStore store;
  private final Schedulers schedulers;
  private final RunBook book;
  private final Outage storeOutage;

  Cancellation(ObjectStore store, Schedulers schedulers, RunBook book, Outage storeOutage) {
    this.store = store;
    this.schedulers = schedulers;
    this.book = book;
    this.storeOutage = storeOutage;
  }

  /** Cancels the active runs someone asked to stop: one HEAD per active run. */
  void cancelRequested() throws InterruptedException {
    for (Run run : book.active()) {
      if (run.state() == RunState.COLLECTING || run.state() == RunState.PUBLISHING) {
        continue;
      }
      String key = StoreKeys.cancelKey(run.commit());
      Optional<StoredObject> request;
      try {
        if (!store.exists(key)) {
          continue;
        }
        request = store.get(key, RunRequest.MAX_REQUEST_BYTES);
      } catch (ObjectTooLargeException | NotARegularFileException e) {
        // asks to cancel all the same, but says nothing more; anyone who writes the bucket may ask
        request = Optional.empty();
      } catch (IOException e) {
        storeOutage.failed(log, e);
        return;
      }
      if (forAnotherAttempt(request, run)) {
        // left from an attempt that ended before the agent saw it: it must not cancel this one
        log.info("run {}: ignoring a cancel request for another attempt", run.runId());
      } else {
        cancel(run, Objects.requireNonNull(Untrusted.oneLine(reason(request), 300)));
      }
      try {
        // done: a later rerun of the commit must not be cancelled by the same request
        store.delete(key);
      } catch (IOException e) {
        log.warn("run {}: cannot remove the cancel request: {}", run.runId(), e.getMessage());
      }
    }
  }

  /** Whether the request names an attempt other than the run's (older requests name none). */
  private static boolean forAnotherAttempt(Optional<StoredObject> request, Run run) {
    try {
      var node = Json.MAPPER.readTree(request.isPresent() ? request.get().content() : new byte[0]);
      return node != null
          && node.hasNonNull("attempt")
          && node.get("attempt").asInt() != run.attempt();
    } catch (IOException e) {
      return false;
    }
  }

  private static String reason(Optional<StoredObject> request) {
    String reason = "cancelled on request";
    if (request.isPresent()) {
      try {
        var node = Json.MAPPER.readTree(request.get().content());
        if (node.hasNonNull("by")) {
          reason += " by " + node.get("by").asText();
        }
        if (node.hasNonNull("reason") && !node.get("reason").asText().isBlank()) {
          reason += ": " + node.get("reason").asText();
        }
      } catch (IOException e) {
        // an unreadable request still cancels
      }
    }
    return reason;
  }

  /** Cancels every job of the run that has not ended, and ends the run with the reason. */
  void cancel(Run run, String reason) throws InterruptedException {
    cancelJobs(run);
    run.cancelled(reason);
    book.save(run);
    log.info("run {} cancelled: {}", run.runId(), reason);
  }

  /** Asks each scheduler to cancel the run's jobs that have not ended; the run is left as it is. */
  void cancelJobs(Run run) throws InterruptedException {
    Map<String, List<String>> bySched = new HashMap<>();
    for (JobRun job : run.jobs()) {
      if (job.schedulerId() != null && !job.isDone()) {
        bySched.computeIfAbsent(job.scheduler(), k -> new ArrayList<>()).add(job.schedulerId());
      }
      if (job.evaluateId() != null && !job.isDone()) {
        bySched.computeIfAbsent(job.scheduler(), k -> new ArrayList<>()).add(job.evaluateId());
      }
    }
    for (Map.Entry<String, List<String>> e : bySched.entrySet()) {
      try {
        schedulers.get(e.getKey()).cancel(e.getValue());
      } catch (IOException ex) {
        log.warn(
            "run {}: cancelling jobs {} failed: {}", run.runId(), e.getValue(), ex.getMessage());
      }
    }
  }
}
