package dev.cairn.git;

import java.io.IOException;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.revwalk.RevTree;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.eclipse.jgit.treewalk.filter.TreeFilter;

/** Re-applies one commit's changes, path by path, onto another tree: a rebase without merging. */
final class Replay {
  private Replay() {}

  /**
   * Applies the difference {@code before -> after} to {@code target}: changed files take the new
   * content, deleted files go, and {@code .gitignore} files gain the lines {@code after} has.
   */
  static void apply(
      ObjectReader reader, ObjectInserter inserter, FlatTree target, RevTree before, RevTree after)
      throws IOException {
    try (TreeWalk walk = new TreeWalk(reader)) {
      walk.addTree(before);
      walk.addTree(after);
      walk.setRecursive(true);
      walk.setFilter(TreeFilter.ANY_DIFF);
      while (walk.next()) {
        String path = walk.getPathString();
        if (walk.getFileMode(1) == FileMode.MISSING) {
          target.remove(path);
          continue;
        }
        FlatTree.Entry wanted = new FlatTree.Entry(walk.getFileMode(1), walk.getObjectId(1));
        var current = target.get(path);
        if (FlatTree.isGitignore(path) && current.isPresent()) {
          byte[] merged =
              FlatTree.unionLines(
                  reader.open(current.get().blob()).getBytes(),
                  reader.open(wanted.blob()).getBytes());
          wanted = new FlatTree.Entry(wanted.mode(), inserter.insert(Constants.OBJ_BLOB, merged));
        }
        target.put(path, wanted);
      }
    }
  }
}
