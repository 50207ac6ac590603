package dev.cairn.scheduler.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/** Reading the small files of a job's spool folder, any of which may not exist yet. */
final class SpoolFiles {
  private SpoolFiles() {}

  static @Nullable String readString(Path p) throws IOException {
    try {
      return Files.readString(p).strip();
    } catch (NoSuchFileException e) {
      return null;
    }
  }

  static @Nullable Long readLong(Path p) throws IOException {
    String s = readString(p);
    if (s == null || s.isEmpty()) {
      return null;
    }
    try {
      return Long.parseLong(s);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  static long idOf(Path p) {
    return Long.parseLong(p.getFileName().toString());
  }
}
