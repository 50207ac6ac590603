package dev.cairn.dvc;

import static dev.cairn.dvc.DvcTreeTest.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.CairnException;
import dev.cairn.store.FileObjectStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DvcPullerTest {
  @TempDir Path tmp;
  private FileObjectStore store;
  private Path outputs;
  private Path repo;

  @BeforeEach
  void publish() throws IOException {
    store = new FileObjectStore(tmp.resolve("store"));
    outputs = tmp.resolve("job/predictions");
    write(outputs.resolve("a.txt"), "hello\n");
    write(outputs.resolve("sub/b.txt"), "world\n");
    Files.createDirectories(outputs.resolve("empty"));
    byte[] big = new byte[3 * (1 << 20) + 17];
    new Random(42).nextBytes(big);
    Files.write(outputs.resolve("sub/deeper/big.bin"), mkdirs(outputs.resolve("sub/deeper"), big));
    write(tmp.resolve("job/err"), "traceback\n");
    repo = tmp.resolve("clone/results/run-1");
    DvcWriter writer = new DvcWriter(store, "dvc", 3);
    writer.add(outputs, repo, "predictions");
    writer.add(tmp.resolve("job/err"), repo, "err");
  }

  @Test
  void pull_roundTripIsByteForByte() throws IOException {
    DvcPullReport report = new DvcPuller(store, "dvc", 3).pull(repo.getParent());

    assertEquals(4, report.downloaded());
    assertSameFiles(outputs, repo.resolve("predictions"));
    assertEquals("traceback\n", Files.readString(repo.resolve("err")));
    assertEquals(DvcTree.hash(outputs).md5(), DvcTree.hash(repo.resolve("predictions")).md5());
  }

  @Test
  void pull_skipsFilesAlreadyInPlaceAndRepairsWrongOnes() throws IOException {
    DvcPuller puller = new DvcPuller(store, "dvc", 2);
    puller.pull(repo.resolve("predictions.dvc"));
    Files.writeString(repo.resolve("predictions/a.txt"), "tampered\n");

    DvcPullReport second = puller.pull(repo.resolve("predictions.dvc"));

    assertEquals(new DvcPullReport(1, 2, 6), second);
    assertEquals("hello\n", Files.readString(repo.resolve("predictions/a.txt")));
  }

  @Test
  void pull_corruptObjectIsAnErrorNamingTheKey() throws IOException {
    String key = "dvc/files/md5/59/1785b794601e212b260e25925636fd";
    store.put(key, "w0rld\n".getBytes(StandardCharsets.UTF_8));

    CairnException e =
        assertThrows(
            CairnException.class,
            () -> new DvcPuller(store, "dvc", 2).pull(repo.resolve("predictions.dvc")));

    assertTrue(e.getMessage().contains(key), e.getMessage());
    assertTrue(e.getMessage().contains("corrupt"), e.getMessage());
    assertFalse(Files.exists(repo.resolve("predictions/sub/b.txt")));
    try (Stream<Path> files = Files.walk(repo)) {
      assertTrue(files.noneMatch(p -> p.toString().endsWith(".dvc-tmp")), "temp files left");
    }
  }

  @Test
  void pull_corruptManifestIsAnError() throws IOException {
    String key = "dvc/files/md5/53/69cb520f35f5d77e793cf181884a27.dir";
    Path dir = tmp.resolve("small");
    write(dir.resolve("a.txt"), "hello\n");
    write(dir.resolve("sub/b.txt"), "world\n");
    DvcWriter writer = new DvcWriter(store, "dvc", 2);
    writer.add(dir, repo, "small");
    store.put(key, "[]".getBytes(StandardCharsets.UTF_8));

    CairnException e =
        assertThrows(
            CairnException.class,
            () -> new DvcPuller(store, "dvc", 2).pull(repo.resolve("small.dvc")));
    assertTrue(e.getMessage().contains(key), e.getMessage());
  }

  @Test
  void pull_missingObjectSaysWhere() throws IOException {
    store.delete("dvc/files/md5/b1/946ac92492d2347c6235b4d2611184");

    CairnException e =
        assertThrows(
            CairnException.class,
            () -> new DvcPuller(store, "dvc", 2).pull(repo.resolve("predictions.dvc")));

    assertTrue(e.getMessage().contains("946ac92492d2347c6235b4d2611184"), e.getMessage());
    assertTrue(e.getMessage().contains("is not in"), e.getMessage());
  }

  @Test
  void pull_rejectsManifestPathsOutsideTheOutput() throws IOException {
    byte[] manifest =
        "[{\"md5\": \"b1946ac92492d2347c6235b4d2611184\", \"relpath\": \"../../escape\"}]"
            .getBytes(StandardCharsets.UTF_8);
    String md5 = DvcHashing.md5(manifest) + ".dir";
    store.put(DvcHashing.key("dvc", md5), manifest);
    DvcOutput evil = new DvcOutput("evil", md5, 6L, 1);

    CairnException e =
        assertThrows(CairnException.class, () -> new DvcPuller(store, "dvc", 2).pull(evil, repo));
    assertTrue(e.getMessage().contains("outside"), e.getMessage());
    assertFalse(Files.exists(repo.getParent().resolve("escape")));
  }

  private static byte[] mkdirs(Path dir, byte[] content) throws IOException {
    Files.createDirectories(dir);
    return content;
  }

  private static void assertSameFiles(Path expected, Path actual) throws IOException {
    List<Path> files;
    try (Stream<Path> walk = Files.walk(expected)) {
      files = walk.filter(Files::isRegularFile).map(expected::relativize).sorted().toList();
    }
    try (Stream<Path> walk = Files.walk(actual)) {
      assertEquals(
          files, walk.filter(Files::isRegularFile).map(actual::relativize).sorted().toList());
    }
    for (Path rel : files) {
      assertArrayEquals(
          Files.readAllBytes(expected.resolve(rel)),
          Files.readAllBytes(actual.resolve(rel)),
          rel.toString());
    }
  }
}
