package dev.cairn.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
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

  private static void mkfifo(Path p) throws Exception {
    assertEquals(0, new ProcessBuilder("mkfifo", p.toString()).start().waitFor());
  }

  @Test
  void get_refusesLinksFifosAndDevices_withoutOpeningThem() throws Exception {
    FileObjectStore store = new FileObjectStore(tmp.resolve("store"));
    Path secret = Files.writeString(tmp.resolve("secret.env"), "EXPERIMENT_NAME=leaked\n");
    Path root = store.root();
    Files.createDirectories(root.resolve("requests/c"));
    Files.createSymbolicLink(root.resolve("requests/c/config.env"), secret);
    Files.createSymbolicLink(root.resolve("requests/c/claim"), Path.of("/dev/zero"));
    mkfifo(root.resolve("requests/c/fifo"));
    for (String key : List.of("requests/c/config.env", "requests/c/claim", "requests/c/fifo")) {
      assertTimeoutPreemptively(
          Duration.ofSeconds(30),
          () -> {
            assertThrows(NotARegularFileException.class, () -> store.get(key, 4096), key);
            assertThrows(NotARegularFileException.class, () -> store.get(key), key);
            assertThrows(NotARegularFileException.class, () -> store.exists(key), key);
            assertThrows(
                NotARegularFileException.class,
                () -> store.getToFile(key, tmp.resolve("copy")),
                key);
          });
    }
    assertEquals(List.of(), store.list("requests/", null));
  }

  @Test
  void writes_neverFollowASymlinkedFolder() throws Exception {
    FileObjectStore store = new FileObjectStore(tmp.resolve("store"));
    Path outside = Files.createDirectories(tmp.resolve("outside"));
    Files.createDirectories(store.root().resolve("runs"));
    Files.createSymbolicLink(store.root().resolve("runs/c"), outside);
    byte[] x = "x".getBytes(StandardCharsets.UTF_8);
    assertThrows(NotARegularFileException.class, () -> store.put("runs/c/status.json", x));
    assertThrows(NotARegularFileException.class, () -> store.putIfAbsent("runs/c/claim", x));
    assertThrows(NotARegularFileException.class, () -> store.get("runs/c/claim", 10));
    assertThrows(NotARegularFileException.class, () -> store.delete("runs/c/claim"));
    assertEquals(List.of(), store.list("runs/", null));
    Files.createDirectories(store.root().resolve("runs/d/status.json"));
    assertThrows(NotARegularFileException.class, () -> store.put("runs/d/status.json", x));
    try (var files = Files.list(outside)) {
      assertEquals(List.of(), files.toList());
    }
  }

  @Test
  void putIfMatch_racingWritersLoseNoIncrement_andAStaleEtagWritesNothing() throws Exception {
    RacingIncrements.assertNoIncrementIsLost(new FileObjectStore(tmp.resolve("store")), "s.json");
  }
}
