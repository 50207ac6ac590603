package dev.cairn.store;

import java.io.IOException;

/**
 * An object larger than its reader allows: read no further than the limit. Not an outage: retrying
 * the same key gives the same answer, so callers reject the object instead of waiting.
 */
public final class ObjectTooLargeException extends IOException {
  private final String key;
  private final long limit;

  public ObjectTooLargeException(String key, long limit) {
    super(key + " is larger than the " + limit + " bytes its reader accepts");
    this.key = key;
    this.limit = limit;
  }

  public String key() {
    return key;
  }

  public long limit() {
    return limit;
  }
}
