package dev.cairn.dvc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DvcGitignoreTest {
  @TempDir Path tmp;

  @Test
  void add_createsAndMergesWithoutDuplicates() throws IOException {
    Files.writeString(tmp.resolve(".gitignore"), "*.log\n/err");

    DvcGitignore.add(tmp, "predictions");
    DvcGitignore.add(tmp, "err");
    DvcGitignore.add(tmp, "predictions");

    assertEquals("*.log\n/err\n/predictions\n", Files.readString(tmp.resolve(".gitignore")));
  }

  @Test
  void add_newFile() throws IOException {
    DvcGitignore.add(tmp.resolve("results/run-1"), "out");
    assertEquals("/out\n", Files.readString(tmp.resolve("results/run-1/.gitignore")));
  }

  @Test
  void escape_patternCharacters() {
    assertEquals("a\\[1\\]\\*\\?", DvcGitignore.escape("a[1]*?"));
    assertEquals("trail\\ \\ ", DvcGitignore.escape("trail  "));
  }
}
