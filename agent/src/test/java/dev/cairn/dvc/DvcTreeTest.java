package dev.cairn.dvc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DvcTreeTest {
  @TempDir Path tmp;

  @Test
  void hash_workedExampleMatchesDvc() throws IOException {
    Path dir = tmp.resolve("predictions");
    write(dir.resolve("a.txt"), "hello\n");
    write(dir.resolve("sub/b.txt"), "world\n");

    DvcTree tree = DvcTree.hash(dir);

    assertEquals(
        "[{\"md5\": \"b1946ac92492d2347c6235b4d2611184\", \"relpath\": \"a.txt\"}, "
            + "{\"md5\": \"591785b794601e212b260e25925636fd\", \"relpath\": \"sub/b.txt\"}]",
        new String(tree.manifest(), StandardCharsets.UTF_8));
    assertEquals("5369cb520f35f5d77e793cf181884a27.dir", tree.md5());
    assertEquals(12, tree.size());
    assertEquals(2, tree.nfiles());
    assertEquals(new DvcOutput("predictions", tree.md5(), 12L, 2), tree.output("predictions"));
  }

  @Test
  void hash_emptyDirectory() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("empty"));
    DvcTree tree = DvcTree.hash(dir);
    assertEquals("d751713988987e9331980363e24189ce.dir", tree.md5());
    assertEquals(0, tree.nfiles());
    assertEquals(0, tree.size());
  }

  @Test
  void hash_leavesOutEmptyFoldersAndGitMetadata() throws IOException {
    Path dir = tmp.resolve("out");
    write(dir.resolve("a.txt"), "hello\n");
    write(dir.resolve("sub/b.txt"), "world\n");
    Files.createDirectories(dir.resolve("nothing/here"));
    write(dir.resolve(".git/HEAD"), "ref: refs/heads/main\n");
    assertEquals("5369cb520f35f5d77e793cf181884a27.dir", DvcTree.hash(dir).md5());
  }

  @Test
  void hash_sortsByCodePointNotUtf16() throws IOException {
    assumeUtf8FileNames();
    // U+1F600 is a surrogate pair (0xD83D...) that UTF-16 order puts before U+E000.
    List<String> names = List.of("\uD83D\uDE00.txt", "\ue000.txt", "a/b", "a.txt", "a-b");
    Path dir = tmp.resolve("order");
    for (String name : names) {
      write(dir.resolve(name), name);
    }
    DvcTree tree = DvcTree.hash(dir);

    List<String> relpaths = new ArrayList<>();
    tree.entries().forEach(e -> relpaths.add(e.relpath()));
    assertEquals(List.of("a-b", "a.txt", "a/b", "\ue000.txt", "\uD83D\uDE00.txt"), relpaths);
    // python3: json.dumps(sorted entries, sort_keys=True), md5 of that
    assertEquals("5ce5bf2714674c77b17c247257e9f968.dir", tree.md5());
  }

  @Test
  void hash_nonAsciiNestedAndEscapedNamesMatchPython() throws IOException {
    assumeUtf8FileNames();
    List<String> names =
        List.of(
            "d\u00e9j\u00e0/\u65e5\u672c/x.bin",
            "q\"uote",
            "back\\slash",
            "tab\there",
            "ctl\u0001\u007f",
            "\uD83D\uDE00/deep/er.txt",
            "\ue000.txt",
            "Zeta",
            "a b/c");
    Path dir = tmp.resolve("odd");
    for (String name : names) {
      write(dir.resolve(name), name);
    }
    DvcTree tree = DvcTree.hash(dir);

    String expected =
        "[{\"md5\": \"91526dc4ef03879503e3995808a9d524\", \"relpath\": \"Zeta\"}, {\"md5\":"
            + " \"22ce5bc570ab75c20edf638fd60f61b9\", \"relpath\": \"a b/c\"}, {\"md5\":"
            + " \"7ac22aa81ddb0dd4f82a9f0b547b92f4\", \"relpath\": \"back\\\\slash\"}, {\"md5\":"
            + " \"a163561673c430d13cb7ca2bd95cd1c1\", \"relpath\": \"ctl\\u0001\\u007f\"},"
            + " {\"md5\": \"315712346f53a527357f4e2fa18dbe8e\", \"relpath\":"
            + " \"d\\u00e9j\\u00e0/\\u65e5\\u672c/x.bin\"}, {\"md5\":"
            + " \"9ddbc94e909aa160f75ce9fcc921b19f\", \"relpath\": \"q\\\"uote\"}, {\"md5\":"
            + " \"844fd4cec7535bdc04e9ba1226b7f358\", \"relpath\": \"tab\\there\"}, {\"md5\":"
            + " \"99a34de0e16a7fdf488ad3d1512093a1\", \"relpath\": \"\\ue000.txt\"}, {\"md5\":"
            + " \"dece03815de2056b25f3d0e8fa388aff\", \"relpath\":"
            + " \"\\ud83d\\ude00/deep/er.txt\"}]";
    assertEquals(expected, new String(tree.manifest(), StandardCharsets.UTF_8));
    assertEquals("5883cffa4f6d3626faedc23414c940c1.dir", tree.md5());
    assertEquals(80, tree.size());
  }

  @Test
  void md5_streamsFilesLargerThanItsBuffer() throws IOException {
    Path big = tmp.resolve("big.bin");
    byte[] block = new byte[1 << 20];
    for (int i = 0; i < block.length; i++) {
      block[i] = (byte) (i * 31);
    }
    Files.write(big, block);
    assertEquals(DvcHashing.md5(block), DvcHashing.md5(big));
  }

  @Test
  void key_isDvc3Layout() {
    assertEquals(
        "dvc/files/md5/53/69cb520f35f5d77e793cf181884a27.dir",
        DvcHashing.key("dvc", "5369cb520f35f5d77e793cf181884a27.dir"));
    assertEquals(
        "files/md5/b1/946ac92492d2347c6235b4d2611184",
        DvcHashing.key("", "b1946ac92492d2347c6235b4d2611184"));
    assertTrue(DvcHashing.normalizePrefix("/runs/dvc/").equals("runs/dvc"));
  }

  static void write(Path file, String text) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, text, StandardCharsets.UTF_8);
  }

  private static void assumeUtf8FileNames() {
    assumeTrue(
        "UTF-8".equalsIgnoreCase(System.getProperty("sun.jnu.encoding")),
        "file names need a UTF-8 locale");
  }
}
