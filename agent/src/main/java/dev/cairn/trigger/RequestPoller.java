package dev.cairn.trigger;

import dev.cairn.Json;
import dev.cairn.store.ObjectStore;
import dev.cairn.store.ObjectStore.ObjectInfo;
import dev.cairn.store.StoredObject;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds new run requests with one LIST per tick of {@code queue/} starting after a moving marker.
 * The marker trails the newest entry by a window so that an entry written late by a CI runner whose
 * clock lags is still seen; entries already handled are skipped by the caller's predicate.
 */
public final class RequestPoller {
  private static final Logger log = LoggerFactory.getLogger(RequestPoller.class);
  static final Duration SKEW_WINDOW = Duration.ofMinutes(10);
  private final ObjectStore store;
  private final Clock clock;
  private String marker;

  /** A request with its config bytes, ready to validate. */
  public record Found(String queueKey, RunRequest request, byte[] config) {}

  public RequestPoller(ObjectStore store, Clock clock, Instant since) {
    this.store = store;
    this.clock = clock;
    this.marker = since == null ? null : RequestQueue.keyAt(since.minus(SKEW_WINDOW));
  }

  /**
   * New requests, oldest first. {@code known} says which queue keys the agent has handled already.
   *
   * @throws IOException when the store cannot be read: nothing is lost, the next poll retries
   */
  public List<Found> poll(Predicate<String> known) throws IOException {
    List<ObjectInfo> entries = store.list(RequestQueue.QUEUE_PREFIX, marker);
    List<Found> found = new ArrayList<>();
    for (ObjectInfo entry : entries) {
      if (known.test(entry.key())) {
        continue;
      }
      Optional<StoredObject> json = store.get(entry.key());
      if (json.isEmpty()) {
        continue;
      }
      RunRequest request;
      try {
        request = Json.MAPPER.readValue(json.get().content(), RunRequest.class);
      } catch (IOException e) {
        log.warn("ignoring {}: not a run request ({})", entry.key(), e.getMessage());
        continue;
      }
      if (request.commit() == null || !request.commit().matches("[0-9a-f]{7,64}")) {
        log.warn("ignoring {}: commit '{}' is not a Git object id", entry.key(), request.commit());
        continue;
      }
      Optional<StoredObject> config = store.get(RunRequest.configKey(request.commit()));
      if (config.isEmpty()) {
        log.warn("request {} has no config.env yet; retrying next tick", entry.key());
        continue;
      }
      found.add(new Found(entry.key(), request, config.get().content()));
    }
    advance();
    return found;
  }

  /**
   * The seed-style key when it changed since {@code etag}: one conditional GET, which costs no body
   * while nothing changed.
   */
  public Optional<StoredObject> pollSeed(String key, String etag) throws IOException {
    return store.getIfChanged(key, etag);
  }

  /** Keys of the queue that the marker has passed are never listed again. */
  private void advance() {
    String next = RequestQueue.keyAt(clock.instant().minus(SKEW_WINDOW));
    if (marker == null || next.compareTo(marker) > 0) {
      marker = next;
    }
  }
}
