package dev.cairn.trigger;

import dev.cairn.Json;
import dev.cairn.model.RunRequest;
import dev.cairn.model.StoreKeys;
import dev.cairn.store.ObjectStore;
import java.io.IOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * Writes run requests the way CI does: {@code requests/<commit>/config.env}, then {@code
 * request.json}, then an entry under {@code queue/} whose key sorts by submission time, so the
 * agent finds new requests with one listing that starts after the last entry it saw.
 */
public final class RequestQueue {
  static final String QUEUE_PREFIX = "queue/";
  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);

  private RequestQueue() {}

  /** The queue key of a request: {@code queue/<UTC time>-<commit>-a<attempt>}. */
  public static String queueKey(RunRequest request) {
    Instant at = Instant.parse(request.submittedAt());
    return QUEUE_PREFIX
        + STAMP.format(at)
        + "-"
        + request.commit()
        + "-a"
        + request.attemptOrFirst();
  }

  /**
   * Whether {@code key} is the queue key of {@code request}: well formed, and naming the request's
   * own commit and attempt.
   */
  static boolean isKeyOf(String key, RunRequest request) {
    String tail = "-" + request.commit() + "-a" + request.attemptOrFirst();
    return key.endsWith(tail)
        && key.substring(0, key.length() - tail.length()).matches("queue/\\d{8}T\\d{6}\\.\\d{3}Z");
  }

  /** The smallest queue key of anything submitted at or after {@code at}. */
  static String keyAt(Instant at) {
    return QUEUE_PREFIX + STAMP.format(at);
  }

  /**
   * Uploads one request, config first, so that a reader never sees a request without its config.
   */
  public static void submit(ObjectStore store, RunRequest request, byte[] config)
      throws IOException {
    store.put(StoreKeys.configKey(request.commit()), config);
    byte[] json = Json.MAPPER.writeValueAsBytes(request);
    store.put(StoreKeys.requestKey(request.commit()), json);
    store.put(queueKey(request), json);
  }
}
