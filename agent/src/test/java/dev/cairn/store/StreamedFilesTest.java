package dev.cairn.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StreamedFilesTest {
  @TempDir Path dir;

  @Test
  void interleavedFiles_eachWrittenWhole_withTheMd5OfItsBytes() throws Exception {
    byte[] a = random(1, 3 * 256 * 1024 + 17);
    byte[] b = random(2, 1000);
    // a budget smaller than the chunks: every chunk waits for the one before to be written
    try (StreamedFiles files = new StreamedFiles(2, 300)) {
      StreamedFiles.File fa = files.open(dir.resolve("a"));
      StreamedFiles.File fb = files.open(dir.resolve("b"));
      int chunk = 100_003;
      for (int i = 0; i * chunk < a.length; i++) {
        int at = i * chunk;
        fa.accept(ByteBuffer.wrap(Arrays.copyOfRange(a, at, Math.min(a.length, at + chunk))), at);
        if (i < 5) {
          fb.accept(ByteBuffer.wrap(Arrays.copyOfRange(b, i * 200, i * 200 + 200)), i * 200);
        }
      }
      StreamedFiles.Written wa = fa.finish().get();
      StreamedFiles.Written wb = fb.finish().get();
      assertArrayEquals(a, Files.readAllBytes(dir.resolve("a")));
      assertEquals(new StreamedFiles.Written(a.length, md5(a)), wa);
      assertArrayEquals(b, Files.readAllBytes(dir.resolve("b")));
      assertEquals(new StreamedFiles.Written(b.length, md5(b)), wb);
    }
  }

  @Test
  void replacesWhatTheFileHeld_andAnEmptyBodyIsAnEmptyFile() throws Exception {
    Path file = dir.resolve("f");
    Files.writeString(file, "an older and longer content", StandardCharsets.UTF_8);
    try (StreamedFiles files = new StreamedFiles(1, 1024)) {
      StreamedFiles.Written w = files.open(file).finish().get();
      assertEquals(new StreamedFiles.Written(0, md5(new byte[0])), w);
      assertEquals(0, Files.size(file));
    }
  }

  @Test
  void aChunkOutOfOrder_isRefused_andTheFileFails() throws Exception {
    try (StreamedFiles files = new StreamedFiles(2, 1024)) {
      StreamedFiles.File f = files.open(dir.resolve("f"));
      f.accept(ByteBuffer.wrap(new byte[10]), 0);
      IOException refused =
          assertThrows(IOException.class, () -> f.accept(ByteBuffer.wrap(new byte[10]), 20));
      assertEquals("a chunk at byte 20 where byte 10 was expected", refused.getMessage());
      ExecutionException e = assertThrows(ExecutionException.class, () -> f.finish().get());
      assertInstanceOf(UncheckedIOException.class, e.getCause());
      assertEquals(refused, e.getCause().getCause());
    }
  }

  @Test
  void aChunkAfterTheEnd_isAnError() throws Exception {
    try (StreamedFiles files = new StreamedFiles(1, 1024)) {
      StreamedFiles.File f = files.open(dir.resolve("f"));
      f.finish().get();
      assertThrows(IllegalStateException.class, () -> f.accept(ByteBuffer.wrap(new byte[1]), 0));
    }
  }

  @Test
  void needsAThreadAndABudget() {
    assertThrows(IllegalArgumentException.class, () -> new StreamedFiles(0, 1));
    assertThrows(IllegalArgumentException.class, () -> new StreamedFiles(1, 0));
  }

  private static byte[] random(long seed, int size) {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    return b;
  }

  private static String md5(byte[] bytes) throws Exception {
    MessageDigest d = MessageDigest.getInstance("MD5");
    d.update(bytes);
    return Md5.hex(d);
  }
}
