package dev.cairn.dvc;

import static dev.cairn.dvc.DvcTreeTest.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.store.FileObjectStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DvcWriterTest {
  private static final String DIR_KEY = "dvc/files/md5/53/69cb520f35f5d77e793cf181884a27.dir";

  @TempDir Path tmp;

  @Test
  void add_ofTheFilesystemRoot_saysItHasNoFolderForItsDvcFile() throws IOException {
    DvcTestStore store = new DvcTestStore(tmp.resolve("store"), 0);
    Path root = tmp.toAbsolutePath().getRoot();

    IOException e = assertThrows(IOException.class, () -> new DvcWriter(store, "dvc", 1).add(root));

    assertTrue(e.getMessage().contains("no parent folder"), e.getMessage());
    assertTrue(store.putKeys().isEmpty(), "nothing uploaded");
  }

  @Test
  void upload_writesFileObjectsThenDirObjectLast() throws IOException {
    Path dir = workedExample();
    DvcTestStore store = new DvcTestStore(tmp.resolve("store"), 0);

    DvcTree tree = DvcTree.hash(dir);
    DvcUploadReport report = new DvcWriter(store, "dvc", 4).upload(tree);

    assertEquals(new DvcUploadReport(3, 0, 12 + tree.manifest().length), report);
    List<String> keys = store.putKeys();
    assertEquals(DIR_KEY, keys.get(keys.size() - 1));
    assertEquals(
        "hello\n",
        store.get("dvc/files/md5/b1/946ac92492d2347c6235b4d2611184").orElseThrow().text());
    assertEquals(
        "world\n",
        store.get("dvc/files/md5/59/1785b794601e212b260e25925636fd").orElseThrow().text());
  }

  @Test
  void upload_failedFileLeavesNoDirObject() throws IOException {
    Path dir = tmp.resolve("many");
    for (int i = 0; i < 20; i++) {
      write(dir.resolve("f" + i + ".txt"), "file " + i + "\n");
    }
    DvcTree tree = DvcTree.hash(dir);
    String dirKey = DvcHashing.key("dvc", tree.md5());
    for (int failOn : new int[] {1, 7, 20}) {
      Path root = tmp.resolve("store-" + failOn);
      DvcTestStore failing = new DvcTestStore(root, failOn);

      IOException e =
          assertThrows(IOException.class, () -> new DvcWriter(failing, "dvc", 4).upload(tree));

      assertTrue(e.getMessage().contains("injected failure"), e.getMessage());
      assertFalse(failing.exists(dirKey), "a .dir object after failed put " + failOn);
      // A later publish completes what is missing and only that.
      int stored = failing.list("dvc/files/md5/", null).size();
      assertTrue(stored < 20, "objects stored: " + stored);
      DvcTestStore healthy = new DvcTestStore(root, 0);
      DvcUploadReport again = new DvcWriter(healthy, "dvc", 4).upload(tree);
      assertEquals(21 - stored, again.uploaded());
      assertTrue(healthy.exists(dirKey));
    }
  }

  @Test
  void upload_secondPublishUploadsNothing() throws IOException {
    Path dir = workedExample();
    for (DvcWriter.ExistenceCheck check : DvcWriter.ExistenceCheck.values()) {
      DvcTestStore store = new DvcTestStore(tmp.resolve("store-" + check), 0);
      new DvcWriter(store, "dvc", 2, check).upload(DvcTree.hash(dir));
      int before = store.puts();

      DvcUploadReport second = new DvcWriter(store, "dvc", 2, check).upload(DvcTree.hash(dir));

      assertEquals(3, before, check.name());
      assertEquals(before, store.puts(), check.name());
      assertEquals(new DvcUploadReport(0, 3, 0), second, check.name());
    }
  }

  @Test
  void add_secondPublishOfUnchangedOutputsHashesNothingAndUploadsNothing() throws IOException {
    Path dir = tmp.resolve("run/predictions");
    for (int i = 0; i < 12; i++) {
      write(dir.resolve("tile-" + i + ".tif"), "tile " + i + "\n");
    }
    Path hashes = tmp.resolve("run/.dvc-hashes");
    DvcTestStore store = new DvcTestStore(tmp.resolve("store"), 0);
    DvcOutput first =
        new DvcWriter(store, "dvc", 4)
            .withHashCache(DvcHashCache.open(hashes))
            .add(dir, tmp.resolve("results"), "predictions");
    assertEquals(13, store.puts());
    assertEquals(12, DvcTree.hash(dir, DvcHashCache.open(tmp.resolve("other")), 2).filesHashed());

    int headsBefore = store.existsCalls();
    DvcOutput second =
        new DvcWriter(store, "dvc", 4)
            .withHashCache(DvcHashCache.open(hashes))
            .add(dir, tmp.resolve("results"), "predictions");

    assertEquals(first, second);
    assertEquals(13, store.puts(), "the second publish uploads nothing");
    assertEquals(1, store.existsCalls() - headsBefore, "one HEAD, of the .dir object");
    assertEquals(0, DvcTree.hash(dir, DvcHashCache.open(hashes), 2).filesHashed());
  }

  @Test
  void hash_readsAgainOnlyTheFilesThatChanged() throws IOException {
    Path dir = tmp.resolve("out");
    write(dir.resolve("a.txt"), "a\n");
    write(dir.resolve("b.txt"), "b\n");
    DvcHashCache cache = DvcHashCache.open(tmp.resolve(".dvc-hashes"));
    DvcTree before = DvcTree.hash(dir, cache, 2);
    cache.save();

    write(dir.resolve("b.txt"), "b changed\n");
    DvcHashCache reopened = DvcHashCache.open(tmp.resolve(".dvc-hashes"));
    DvcTree after = DvcTree.hash(dir, reopened, 2);

    assertEquals(2, before.filesHashed());
    assertEquals(1, after.filesHashed());
    assertEquals(DvcTree.hash(dir).md5(), after.md5());
    assertFalse(before.md5().equals(after.md5()));
  }

  @Test
  void upload_fileObjectsGoInOneBatchBeforeTheDirObject() throws IOException {
    Path dir = tmp.resolve("batch");
    for (int i = 0; i < 30; i++) {
      write(dir.resolve("f" + i), "content " + i + "\n");
    }
    List<List<String>> calls = new ArrayList<>();
    DvcTestStore store =
        new DvcTestStore(tmp.resolve("store"), 0) {
          @Override
          public List<String> putFiles(List<FileUpload> uploads) throws IOException {
            calls.add(uploads.stream().map(FileUpload::key).toList());
            return super.putFiles(uploads);
          }
        };

    DvcTree tree = DvcTree.hash(dir);
    new DvcWriter(store, "dvc", 4).upload(tree);

    assertEquals(1, calls.size());
    assertEquals(30, calls.get(0).size());
    List<String> keys = store.putKeys();
    assertEquals(31, keys.size());
    assertEquals(DvcHashing.key("dvc", tree.md5()), keys.get(30));
    assertTrue(keys.subList(0, 30).stream().noneMatch(k -> k.endsWith(".dir")));
  }

  @Test
  void upload_identicalFilesAreOneObject() throws IOException {
    Path dir = tmp.resolve("same");
    write(dir.resolve("a.txt"), "same\n");
    write(dir.resolve("b/a.txt"), "same\n");
    DvcTestStore store = new DvcTestStore(tmp.resolve("store"), 0);

    DvcUploadReport report = new DvcWriter(store, "dvc", 4).upload(DvcTree.hash(dir));

    assertEquals(2, report.uploaded());
    assertEquals(2, store.puts());
  }

  @Test
  void add_writesDvcFileAndGitignoreBesideTheOutput() throws IOException {
    Path results = tmp.resolve("repo/results/run-1");
    Path outputs = tmp.resolve("scratch/job/predictions");
    write(outputs.resolve("a.txt"), "hello\n");
    write(outputs.resolve("sub/b.txt"), "world\n");
    Files.createDirectories(results);
    Files.writeString(results.resolve(".gitignore"), "/err\n");
    FileObjectStore store = new FileObjectStore(tmp.resolve("store"));

    DvcOutput out = new DvcWriter(store, "dvc", 2).add(outputs, results, "predictions");

    assertEquals(new DvcOutput("predictions", "5369cb520f35f5d77e793cf181884a27.dir", 12L, 2), out);
    assertEquals(
        "outs:\n- md5: 5369cb520f35f5d77e793cf181884a27.dir\n  size: 12\n  nfiles: 2\n"
            + "  hash: md5\n  path: predictions\n",
        Files.readString(results.resolve("predictions.dvc")));
    assertEquals("/err\n/predictions\n", Files.readString(results.resolve(".gitignore")));
    assertTrue(store.exists(DIR_KEY));
  }

  @Test
  void add_singleFileOutput() throws IOException {
    Path file = tmp.resolve("run/out");
    write(file, "hello\n");
    FileObjectStore store = new FileObjectStore(tmp.resolve("store"));

    DvcOutput out = new DvcWriter(store, "dvc", 2).add(file);

    assertEquals(new DvcOutput("out", "b1946ac92492d2347c6235b4d2611184", 6L, null), out);
    assertEquals(
        "outs:\n- md5: b1946ac92492d2347c6235b4d2611184\n  size: 6\n  hash: md5\n  path: out\n",
        Files.readString(tmp.resolve("run/out.dvc"), StandardCharsets.UTF_8));
    assertTrue(store.exists("dvc/files/md5/b1/946ac92492d2347c6235b4d2611184"));
  }

  private Path workedExample() throws IOException {
    Path dir = tmp.resolve("predictions");
    write(dir.resolve("a.txt"), "hello\n");
    write(dir.resolve("sub/b.txt"), "world\n");
    return dir;
  }
}
