package dev.cairn.trigger;

import dev.cairn.Json;
import dev.cairn.LogBudget;
import dev.cairn.Untrusted;
import dev.cairn.model.RunRequest;
import dev.cairn.model.StoreKeys;
import dev.cairn.store.NotARegularFileException;
import dev.cairn.store.ObjectStore;
import dev.cairn.store.ObjectStore.ObjectInfo;
import dev.cairn.store.ObjectTooLargeException;
import dev.cairn.store.StoredObject;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;
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
  private @Nullable String marker;

  /** Malformed entries the marker has not passed yet: logged once, skipped after. */
  private final Set<String> rejected = new HashSet<>();

  /** Entries waiting for their config.env: the wait is logged once per entry, not every tick. */
  private final Set<String> waiting = new HashSet<>();

  private boolean seedTooLarge;

  private final LogBudget ignored;
  private final LogBudget unready;

  /** A request with its config bytes, ready to validate. */
  public record Found(String queueKey, RunRequest request, byte[] config) {}

  public RequestPoller(ObjectStore store, Clock clock, @Nullable Instant since) {
    this.store = store;
    this.clock = clock;
    this.ignored = LogBudget.perMinute(log, clock, "ignored queue entries");
    this.unready = LogBudget.perMinute(log, clock, "queue entries without a config.env");
    this.marker = since == null ? null : RequestQueue.keyAt(since.minus(SKEW_WINDOW));
  }

  /**
   * New requests, oldest first. {@code known} says which queue keys the agent has handled already.
   * A malformed entry (not JSON, a field of the wrong form, too large, a config too large) is
   * logged once and never returned.
   *
   * @throws IOException when the store cannot be read: nothing is lost, the next poll retries
   */
  public List<Found> poll(Predicate<String> known) throws IOException {
    List<ObjectInfo> entries = store.list(RequestQueue.QUEUE_PREFIX, marker);
    List<Found> found = new ArrayList<>();
    for (ObjectInfo entry : entries) {
      if (known.test(entry.key()) || rejected.contains(entry.key())) {
        continue;
      }
      Optional<Found> request = read(entry.key());
      request.ifPresent(found::add);
    }
    advance();
    ignored.roll();
    unready.roll();
    return found;
  }

  private Optional<Found> read(String key) throws IOException {
    Optional<StoredObject> json;
    try {
      json = store.get(key, RunRequest.MAX_REQUEST_BYTES);
    } catch (ObjectTooLargeException e) {
      return reject(key, "larger than " + RunRequest.MAX_REQUEST_BYTES + " bytes");
    } catch (NotARegularFileException e) {
      return reject(key, e.getMessage());
    }
    if (json.isEmpty()) {
      return Optional.empty();
    }
    RunRequest request;
    try {
      request = Json.MAPPER.readValue(json.get().content(), RunRequest.class);
    } catch (IOException e) {
      return reject(key, "not a run request (" + e.getClass().getSimpleName() + ")");
    }
    if (request == null) {
      return reject(key, "not a run request (null)");
    }
    String problem = request.problem(clock.instant());
    if (problem != null) {
      return reject(key, problem);
    }
    if (!RequestQueue.isKeyOf(key, request)) {
      return reject(key, "the key does not name the request's commit and attempt");
    }
    Optional<StoredObject> config;
    try {
      config = store.get(StoreKeys.configKey(request.commit()), RunRequest.MAX_CONFIG_BYTES);
    } catch (ObjectTooLargeException e) {
      return reject(key, "its config.env is larger than " + RunRequest.MAX_CONFIG_BYTES + " bytes");
    } catch (NotARegularFileException e) {
      return reject(key, "its config.env: " + e.getMessage());
    }
    if (config.isEmpty()) {
      if (waiting.add(key) && unready.allow()) {
        log.warn(
            "request {} has no config.env yet; looking again each tick until the queue moves past"
                + " it",
            Untrusted.forLog(key));
      }
      return Optional.empty();
    }
    waiting.remove(key);
    return Optional.of(new Found(key, request, config.get().content()));
  }

  /** Logs a malformed entry once; the marker passing it forgets it. */
  private Optional<Found> reject(String key, @Nullable String why) {
    rejected.add(key);
    if (ignored.allow()) {
      log.warn("ignoring queue entry {}: {}", Untrusted.forLog(key), why);
    }
    return Optional.empty();
  }

  /**
   * The seed-style key when it changed since {@code etag}: one conditional GET, which costs no body
   * while nothing changed. One larger than a config may be is logged once and not returned.
   */
  public Optional<StoredObject> pollSeed(String key, @Nullable String etag) throws IOException {
    try {
      Optional<StoredObject> seed = store.getIfChanged(key, etag, RunRequest.MAX_CONFIG_BYTES);
      seedTooLarge = false;
      return seed;
    } catch (ObjectTooLargeException e) {
      if (!seedTooLarge) {
        log.warn(
            "ignoring {}: larger than {} bytes",
            Untrusted.forLog(key),
            RunRequest.MAX_CONFIG_BYTES);
      }
      seedTooLarge = true;
      return Optional.empty();
    }
  }

  /**
   * Where the next listing starts: queue keys up to here are never listed again. Saved by the
   * agent, so that a restart does not list the whole queue's history.
   */
  public @Nullable String marker() {
    return marker;
  }

  /**
   * Starts listing after a marker saved by {@link #marker()}; ignored unless it has its form, and
   * never later than the window behind this clock (a clock that was set back must not hide
   * requests).
   */
  public void resumeAt(String saved) {
    if (saved == null || !saved.matches("queue/\\d{8}T\\d{6}\\.\\d{3}Z")) {
      return;
    }
    String latest = RequestQueue.keyAt(clock.instant().minus(SKEW_WINDOW));
    String at = saved.compareTo(latest) > 0 ? latest : saved;
    if (marker == null || at.compareTo(marker) > 0) {
      marker = at;
    }
  }

  /** Keys of the queue that the marker has passed are never listed again. */
  private void advance() {
    String next = RequestQueue.keyAt(clock.instant().minus(SKEW_WINDOW));
    if (marker == null || next.compareTo(marker) > 0) {
      marker = next;
      rejected.removeIf(k -> k.compareTo(next) <= 0);
      waiting.removeIf(k -> k.compareTo(next) <= 0);
    }
  }
}
