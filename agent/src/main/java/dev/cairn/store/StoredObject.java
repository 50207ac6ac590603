package dev.cairn.store;

import java.nio.charset.StandardCharsets;

/** An object read from the store: its bytes and the ETag it had when read. */
public record StoredObject(String key, byte[] content, String etag) {

  public String text() {
    return new String(content, StandardCharsets.UTF_8);
  }
}
