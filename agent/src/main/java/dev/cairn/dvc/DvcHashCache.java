package dev.cairn.dvc;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Remembers the MD5 of each file by its path, size and modification time, as DVC's state database
 * does, so that publishing unchanged outputs again reads none of them. Kept in one small text file
 * ({@code md5 size mtime-ns path} per line), written atomically; a damaged line is ignored.
 */
public final class DvcHashCache {
  private static final Logger log = LoggerFactory.getLogger(DvcHashCache.class);

  private record Entry(long size, long mtimeNanos, String md5) {}

  private final Path file;
  private final Map<String, Entry> entries = new ConcurrentHashMap<>();
  private volatile boolean dirty;

  private DvcHashCache(Path file) {
    this.file = file;
  }

  /** The cache kept in {@code file}; empty when the file does not exist yet. */
  public static DvcHashCache open(Path file) throws IOException {
    DvcHashCache cache = new DvcHashCache(file);
    if (Files.isRegularFile(file)) {
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        String[] f = line.split(" ", 4);
        try {
          if (f.length == 4 && DvcHashing.isHash(f[0])) {
            cache.entries.put(f[3], new Entry(Long.parseLong(f[1]), Long.parseLong(f[2]), f[0]));
          }
        } catch (NumberFormatException e) {
          log.debug("ignoring a damaged line of {}", file);
        }
      }
    }
    return cache;
  }

  /** The MD5 recorded for the file when its size and modification time are unchanged. */
  Optional<String> get(Path path, BasicFileAttributes attrs) {
    Entry e = entries.get(key(path));
    if (e == null || e.size() != attrs.size() || e.mtimeNanos() != mtimeNanos(attrs)) {
      return Optional.empty();
    }
    return Optional.of(e.md5());
  }

  void put(Path path, BasicFileAttributes attrs, String md5) {
    String key = key(path);
    if (key.indexOf('\n') >= 0 || key.indexOf('\r') >= 0) {
      return;
    }
    entries.put(key, new Entry(attrs.size(), mtimeNanos(attrs), md5));
    dirty = true;
  }

  /** Writes the cache when it changed, dropping the entries of files that are gone. */
  public void save() throws IOException {
    if (!dirty) {
      return;
    }
    entries.keySet().removeIf(p -> !Files.exists(Path.of(p)));
    StringBuilder text = new StringBuilder();
    entries.forEach(
        (path, e) ->
            text.append(e.md5())
                .append(' ')
                .append(e.size())
                .append(' ')
                .append(e.mtimeNanos())
                .append(' ')
                .append(path)
                .append('\n'));
    Path parent = file.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    Path tmp = Files.createTempFile(parent, "." + file.getFileName(), ".tmp");
    try {
      Files.writeString(tmp, text, StandardCharsets.UTF_8);
      try {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
      dirty = false;
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private static String key(Path path) {
    return path.toAbsolutePath().normalize().toString();
  }

  private static long mtimeNanos(BasicFileAttributes attrs) {
    return attrs.lastModifiedTime().to(java.util.concurrent.TimeUnit.NANOSECONDS);
  }
}
