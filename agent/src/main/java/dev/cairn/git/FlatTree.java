package dev.cairn.git;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.eclipse.jgit.dircache.DirCache;
import org.eclipse.jgit.dircache.DirCacheBuilder;
import org.eclipse.jgit.dircache.DirCacheEntry;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.revwalk.RevTree;
import org.eclipse.jgit.treewalk.TreeWalk;

/**
 * A Git tree as a sorted map of file paths to blobs, edited in memory and written back as a tree
 * object. Commits are built from it without touching any work tree.
 */
final class FlatTree {
  /** One file: its mode and blob. */
  record Entry(FileMode mode, ObjectId blob) {}

  private final Map<String, Entry> files = new TreeMap<>();

  static FlatTree empty() {
    return new FlatTree();
  }

  static FlatTree read(ObjectReader reader, RevTree tree) throws IOException {
    FlatTree out = new FlatTree();
    try (TreeWalk walk = new TreeWalk(reader)) {
      walk.addTree(tree);
      walk.setRecursive(true);
      while (walk.next()) {
        out.files.put(walk.getPathString(), new Entry(walk.getFileMode(0), walk.getObjectId(0)));
      }
    }
    return out;
  }

  Optional<Entry> get(String path) {
    return Optional.ofNullable(files.get(path));
  }

  void put(String path, Entry entry) {
    files.put(path, entry);
  }

  void remove(String path) {
    files.remove(path);
  }

  /** Removes every file at or below {@code dir}. */
  void removeDir(String dir) {
    String prefix = dir + "/";
    files.keySet().removeIf(p -> p.equals(dir) || p.startsWith(prefix));
  }

  ObjectId write(ObjectInserter inserter) throws IOException {
    DirCache cache = DirCache.newInCore();
    DirCacheBuilder builder = cache.builder();
    for (Map.Entry<String, Entry> e : files.entrySet()) {
      DirCacheEntry entry = new DirCacheEntry(e.getKey());
      entry.setFileMode(e.getValue().mode());
      entry.setObjectId(e.getValue().blob());
      builder.add(entry);
    }
    builder.finish();
    return cache.writeTree(inserter);
  }

  static boolean isGitignore(String path) {
    return path.equals(Constants.GITIGNORE_FILENAME)
        || path.endsWith("/" + Constants.GITIGNORE_FILENAME);
  }

  /**
   * The lines of {@code base} followed by those lines of {@code wanted} that {@code base} lacks:
   * ignore rules other commits added on the branch are kept, ours are added once.
   */
  static byte[] unionLines(byte[] base, byte[] wanted) {
    String baseText = new String(base, StandardCharsets.UTF_8);
    Set<String> have = new LinkedHashSet<>(baseText.lines().toList());
    StringBuilder out = new StringBuilder(baseText);
    for (String line : new String(wanted, StandardCharsets.UTF_8).lines().toList()) {
      if (have.add(line)) {
        if (out.length() > 0 && out.charAt(out.length() - 1) != '\n') {
          out.append('\n');
        }
        out.append(line).append('\n');
      }
    }
    return out.toString().getBytes(StandardCharsets.UTF_8);
  }
}
