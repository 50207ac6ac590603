package dev.cairn.trigger;

import dev.cairn.CairnException;
import dev.cairn.Json;
import dev.cairn.model.RunRequest;
import dev.cairn.model.RunState;
import dev.cairn.model.StoreKeys;
import dev.cairn.store.ObjectStore;
import dev.cairn.store.StoredObject;
import java.io.IOException;
import java.time.Instant;
import java.util.Optional;

/**
 * Submitting a commit's config as CI does, safely repeatable: a retried job does not start a second
 * run and completes a submission that died half-way; a rerun is a new attempt of the same config,
 * refused while the previous attempt still runs.
 */
public final class Submission {
  private Submission() {}

  /** What a submission did. */
  public record Outcome(RunRequest request, boolean alreadySubmitted, boolean repaired) {}

  /**
   * @param request the request to write; its attempt is decided here
   * @throws CairnException when the commit's config differs from the one submitted before, or a
   *     rerun is asked while the last attempt has not ended
   */
  public static Outcome submit(ObjectStore store, RunRequest request, byte[] config, boolean rerun)
      throws IOException {
    Optional<StoredObject> existing =
        store.get(StoreKeys.requestKey(request.commit()), RunRequest.MAX_REQUEST_BYTES);
    if (existing.isEmpty()) {
      RunRequest first = withAttempt(request, 1);
      RequestQueue.submit(store, first, config);
      return new Outcome(first, false, false);
    }
    RunRequest before = Json.MAPPER.readValue(existing.get().content(), RunRequest.class);
    if (!java.util.Objects.equals(request.configSha256(), before.configSha256())) {
      throw new CairnException(
          "commit "
              + request.commit()
              + " was submitted before with another config (sha256 "
              + before.configSha256()
              + "); a commit's config cannot change, commit the new one");
    }
    if (!rerun) {
      // a job that died between request.json and the queue entry left a request nobody sees
      String queueKey = RequestQueue.queueKey(before);
      if (!store.exists(queueKey)) {
        store.put(queueKey, existing.get().content());
        return new Outcome(before, true, true);
      }
      return new Outcome(before, true, false);
    }
    int last = before.attemptOrFirst();
    Optional<StoredObject> status =
        store.get(StoreKeys.statusKey(request.commit()), RunRequest.MAX_STATUS_BYTES);
    if (status.isPresent()) {
      var node = Json.MAPPER.readTree(status.get().content());
      String state = node.path("state").asText();
      int statusAttempt = node.path("attempt").asInt(1);
      if (statusAttempt >= last && !isFinal(state)) {
        throw new CairnException(
            "attempt "
                + statusAttempt
                + " of commit "
                + request.commit()
                + " is still "
                + state
                + "; wait for it to end (or `agent.jar cancel "
                + request.commit()
                + "`) before --rerun");
      }
      last = Math.max(last, statusAttempt);
    } else {
      throw new CairnException(
          "attempt "
              + last
              + " of commit "
              + request.commit()
              + " has not been picked up by an agent yet; --rerun once it has ended");
    }
    RunRequest next = withAttempt(request, last + 1);
    RequestQueue.submit(store, next, config);
    return new Outcome(next, false, false);
  }

  /** Whether a state read from {@code status.json} has ended; an unknown one has not. */
  static boolean isFinal(String state) {
    try {
      return RunState.valueOf(state).isTerminal();
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static RunRequest withAttempt(RunRequest r, int attempt) {
    return new RunRequest(
        r.commit(),
        r.branch(),
        r.pipeline(),
        r.author(),
        r.message(),
        r.submittedAt() == null ? Instant.now().toString() : r.submittedAt(),
        r.configSha256(),
        attempt,
        r.reproduces());
  }
}
