package dev.cairn.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/** The files the transfer benches move: random bytes (nothing compresses), named in order. */
final class BenchFiles {
  private BenchFiles() {}

  static List<Path> write(Path folder, int files, long bytesEach) throws IOException {
    Files.createDirectories(folder);
    SplittableRandom random = new SplittableRandom(files * 31L + bytesEach);
    byte[] buffer = new byte[1 << 20];
    List<Path> paths = new ArrayList<>(files);
    for (int i = 0; i < files; i++) {
      Path p = folder.resolve(String.format(Locale.ROOT, "file-%06d.bin", i));
      try (OutputStream out = Files.newOutputStream(p)) {
        for (long left = bytesEach; left > 0; left -= buffer.length) {
          random.nextBytes(buffer);
          out.write(buffer, 0, (int) Math.min(buffer.length, left));
        }
      }
      paths.add(p);
    }
    return paths;
  }

  static String md5(Path file) throws IOException {
    try {
      MessageDigest md = MessageDigest.getInstance("MD5");
      byte[] buffer = new byte[1 << 16];
      try (InputStream in = Files.newInputStream(file)) {
        for (int n; (n = in.read(buffer)) > 0; ) {
          md.update(buffer, 0, n);
        }
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }
}
