package dev.cairn.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileObjectStoreTest {
  @TempDir Path tmp;

  @Test
  void get_bounded_readsNoMoreThanTheLimit() throws Exception {
    FileObjectStore store = new FileObjectStore(tmp);
    store.put("a", "12345".getBytes(StandardCharsets.UTF_8));
    store.put("big", new byte[1 << 20]);
    assertEquals("12345", store.get("a", 5).orElseThrow().text());
    assertThrows(ObjectTooLargeException.class, () -> store.get("a", 4));
    assertThrows(ObjectTooLargeException.class, () -> store.get("big", 64 * 1024));
    assertEquals(Optional.empty(), store.get("missing", 5));
    String etag = store.get("a", 5).orElseThrow().etag();
    assertEquals(Optional.empty(), store.getIfChanged("a", etag, 5));
    assertThrows(ObjectTooLargeException.class, () -> store.getIfChanged("big", etag, 5));
  }
}
