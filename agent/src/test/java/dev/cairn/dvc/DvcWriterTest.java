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
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DvcWriterTest {
  private static final String DIR_KEY = "dvc/files/md5/53/69cb520f35f5d77e793cf181884a27.dir";

  @TempDir Path tmp;

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
