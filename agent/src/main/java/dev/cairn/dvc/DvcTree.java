package dev.cairn.dvc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * A hashed directory: every regular file under it with its MD5, and the {@code .dir} manifest that
 * DVC 3 would write for it, so the hash equals what {@code dvc add} computes.
 */
public final class DvcTree {
  // DVC's default ignores: never part of a directory output.
  private static final Set<String> IGNORED_DIRS = Set.of(".git", ".hg", ".dvc");

  private static final java.util.regex.Pattern HASH_ONLY =
      java.util.regex.Pattern.compile("[0-9a-f]{32}");

  private final List<DvcEntry> entries;
  private final byte[] manifest;
  private final String md5;
  private final long size;
  private final int filesHashed;

  private DvcTree(List<DvcEntry> entries, int filesHashed) {
    this.filesHashed = filesHashed;
    this.entries = List.copyOf(entries);
    this.manifest = DvcJson.manifest(this.entries).getBytes(StandardCharsets.UTF_8);
    this.md5 = DvcHashing.md5(manifest) + DvcHashing.DIR_SUFFIX;
    this.size = entries.stream().mapToLong(DvcEntry::size).sum();
  }

  /** A file of the tree: its path inside the output, its MD5 and its size. */
  public record File(String relpath, String md5, long size) {}

  /**
   * The tree of files hashed elsewhere (by the agents of several clusters, each of which uploaded
   * its own): the manifest lists them all; {@link DvcWriter#upload} uploads none of them and
   * refuses where the remote lacks one. Duplicate paths keep their first entry.
   */
  public static DvcTree of(List<File> files) {
    java.util.Map<String, DvcEntry> byPath = new java.util.LinkedHashMap<>();
    for (File f : files) {
      if (!HASH_ONLY.matcher(f.md5()).matches()) {
        throw new IllegalArgumentException("not a file MD5: " + f.md5());
      }
      byPath.putIfAbsent(f.relpath(), new DvcEntry(f.relpath(), f.md5(), f.size(), null));
    }
    List<DvcEntry> sorted = new ArrayList<>(byPath.values());
    sorted.sort(Comparator.comparing(DvcEntry::relpath, DvcHashing.CODE_POINT_ORDER));
    return new DvcTree(sorted, 0);
  }

  /** Every file of the tree, sorted by path as the manifest lists them. */
  public List<File> files() {
    return entries.stream().map(e -> new File(e.relpath(), e.md5(), e.size())).toList();
  }

  /** Hashes every regular file under {@code dir} on every core, with no cache. */
  public static DvcTree hash(Path dir) throws IOException {
    return hash(dir, null, Runtime.getRuntime().availableProcessors());
  }

  /**
   * Hashes every regular file under {@code dir}, several files at once on {@code threads} threads,
   * reading each file once; files whose path, size and modification time {@code cache} (may be
   * null) knows are not read at all.
   */
  public static DvcTree hash(Path dir, @Nullable DvcHashCache cache, int threads)
      throws IOException {
    if (!Files.isDirectory(dir)) {
      throw new IOException("not a directory: " + dir);
    }
    List<Path> files;
    try (Stream<Path> walk = Files.walk(dir)) {
      files = walk.filter(p -> !ignored(dir, p)).filter(Files::isRegularFile).toList();
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    DvcEntry[] entries = new DvcEntry[files.size()];
    AtomicInteger hashed = new AtomicInteger();
    List<DvcPool.Task> tasks = new ArrayList<>();
    for (int i = 0; i < entries.length; i++) {
      Path file = files.get(i);
      String relpath = relpath(dir, file);
      BasicFileAttributes attrs = Files.readAttributes(file, BasicFileAttributes.class);
      String known = cache == null ? null : cache.get(file, attrs).orElse(null);
      if (known != null) {
        entries[i] = new DvcEntry(relpath, known, attrs.size(), file);
        continue;
      }
      int slot = i;
      tasks.add(
          () -> {
            String md5 = DvcHashing.md5(file);
            hashed.incrementAndGet();
            if (cache != null) {
              cache.put(file, attrs, md5);
            }
            entries[slot] = new DvcEntry(relpath, md5, attrs.size(), file);
          });
    }
    DvcPool.runAll(tasks, threads);
    List<DvcEntry> sorted = new ArrayList<>(List.of(entries));
    sorted.sort(Comparator.comparing(DvcEntry::relpath, DvcHashing.CODE_POINT_ORDER));
    return new DvcTree(sorted, hashed.get());
  }

  /** How many files were read to build this tree (the others came from the cache). */
  public int filesHashed() {
    return filesHashed;
  }

  /** The directory hash with its {@code .dir} suffix. */
  public String md5() {
    return md5;
  }

  /** Total bytes of the files. */
  public long size() {
    return size;
  }

  public int nfiles() {
    return entries.size();
  }

  /** The {@code .dir} object's bytes. */
  public byte[] manifest() {
    return manifest.clone();
  }

  List<DvcEntry> entries() {
    return entries;
  }

  /** The {@code .dvc} entry for this tree under the given output path. */
  public DvcOutput output(String path) {
    return new DvcOutput(path, md5, size, entries.size());
  }

  private static boolean ignored(Path root, Path p) {
    Path rel = root.relativize(p);
    for (int i = 0; i < rel.getNameCount(); i++) {
      String name = rel.getName(i).toString();
      // A component before the last is a directory; the last one only counts when it is one.
      boolean isDir = i < rel.getNameCount() - 1 || Files.isDirectory(p);
      if (name.equals(".git") || (isDir && IGNORED_DIRS.contains(name))) {
        return true;
      }
    }
    return false;
  }

  private static String relpath(Path root, Path file) {
    Path rel = root.relativize(file);
    StringBuilder out = new StringBuilder();
    for (Path part : rel) {
      if (out.length() > 0) {
        out.append('/');
      }
      out.append(part);
    }
    return out.toString();
  }
}
