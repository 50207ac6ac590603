package dev.cairn.trigger;

import dev.cairn.CairnException;
import dev.cairn.git.GitClone;
import java.io.IOException;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.eclipse.jgit.errors.MissingObjectException;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.eclipse.jgit.treewalk.filter.PathFilter;

/**
 * Read-only questions about the experiment repository for provenance checks: is a commit on an
 * allowed branch, what did a file hold at that commit, who made it. Answers come from the agent's
 * clone as of the last {@link #fetch()}.
 */
public final class RepoMirror {
  private static final String TRACKING = Constants.R_REMOTES + "origin/";

  /** A commit's subject line, author, author time, committer time and whole message. */
  public record CommitInfo(
      String sha,
      String subject,
      String authorName,
      String authorEmail,
      Instant time,
      Instant committedAt,
      String message) {}

  private final GitClone clone;

  public RepoMirror(GitClone clone) {
    this.clone = clone;
  }

  /** Brings the remote branches of the clone up to date. */
  public void fetch() {
    clone.fetch();
  }

  /**
   * Whether {@code commit} (a full 40-hex sha) is reachable from {@code origin/<branch>}. False for
   * unknown commits and branches.
   */
  public boolean isOnBranch(String commit, String branch) {
    Optional<ObjectId> id = parseSha(commit);
    Repository repo = clone.repository();
    try (RevWalk walk = new RevWalk(repo)) {
      Ref head = repo.exactRef(TRACKING + branch);
      if (id.isEmpty() || head == null || !repo.getObjectDatabase().has(id.get())) {
        return false;
      }
      return walk.isMergedInto(walk.parseCommit(id.get()), walk.parseCommit(head.getObjectId()));
    } catch (MissingObjectException e) {
      return false;
    } catch (IOException e) {
      throw readError(e);
    }
  }

  /** Whether {@code ancestor} is an ancestor of {@code commit}; false where the clone lacks one. */
  public boolean isAncestor(String ancestor, String commit) {
    Optional<ObjectId> a = parseSha(ancestor);
    Optional<ObjectId> c = parseSha(commit);
    Repository repo = clone.repository();
    try (RevWalk walk = new RevWalk(repo)) {
      if (a.isEmpty()
          || c.isEmpty()
          || !repo.getObjectDatabase().has(a.get())
          || !repo.getObjectDatabase().has(c.get())) {
        return false;
      }
      return walk.isMergedInto(walk.parseCommit(a.get()), walk.parseCommit(c.get()));
    } catch (MissingObjectException e) {
      return false;
    } catch (IOException e) {
      throw readError(e);
    }
  }

  /** The bytes of {@code path} at {@code commit}; empty when the commit or the file is missing. */
  public Optional<byte[]> readFile(String commit, String path) {
    Optional<ObjectId> id = parseSha(commit);
    if (id.isEmpty()) {
      return Optional.empty();
    }
    Repository repo = clone.repository();
    try (ObjectReader reader = repo.newObjectReader();
        RevWalk walk = new RevWalk(reader)) {
      if (!repo.getObjectDatabase().has(id.get())) {
        return Optional.empty();
      }
      RevCommit c = walk.parseCommit(id.get());
      try (TreeWalk tree = TreeWalk.forPath(reader, path, c.getTree())) {
        if (tree == null || tree.getFileMode(0).getObjectType() != Constants.OBJ_BLOB) {
          return Optional.empty();
        }
        return Optional.of(reader.open(tree.getObjectId(0)).getBytes());
      }
    } catch (MissingObjectException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw readError(e);
    }
  }

  /**
   * Every file under {@code folder} at {@code commit}, by its path from the repository's root;
   * empty when the commit or the folder is missing. Bounded: a folder of more than 2,000 files or
   * 16 MiB is an error, not a read.
   */
  public Map<String, byte[]> readFolder(String commit, String folder) {
    Map<String, byte[]> files = new TreeMap<>();
    Optional<ObjectId> id = parseSha(commit);
    if (id.isEmpty()) {
      return files;
    }
    Repository repo = clone.repository();
    try (ObjectReader reader = repo.newObjectReader();
        RevWalk walk = new RevWalk(reader)) {
      if (!repo.getObjectDatabase().has(id.get())) {
        return files;
      }
      RevCommit c = walk.parseCommit(id.get());
      try (TreeWalk tree = new TreeWalk(reader)) {
        tree.addTree(c.getTree());
        tree.setRecursive(true);
        tree.setFilter(PathFilter.create(folder));
        long bytes = 0;
        while (tree.next()) {
          if (tree.getFileMode(0).getObjectType() != Constants.OBJ_BLOB) {
            continue;
          }
          byte[] content = reader.open(tree.getObjectId(0)).getBytes(16 << 20);
          bytes += content.length;
          if (files.size() >= 2000 || bytes > 16 << 20) {
            throw new CairnException(
                folder
                    + "/ at "
                    + commit
                    + " holds more than 2,000 files or 16 MiB; it is not a templates folder");
          }
          files.put(tree.getPathString(), content);
        }
      }
    } catch (MissingObjectException e) {
      return new TreeMap<>();
    } catch (IOException e) {
      throw readError(e);
    }
    return files;
  }

  /** Subject, author and time of {@code commit}; empty when the clone lacks it. */
  public Optional<CommitInfo> commitInfo(String commit) {
    Optional<ObjectId> id = parseSha(commit);
    Repository repo = clone.repository();
    try (RevWalk walk = new RevWalk(repo)) {
      if (id.isEmpty() || !repo.getObjectDatabase().has(id.get())) {
        return Optional.empty();
      }
      RevCommit c = walk.parseCommit(id.get());
      var author = c.getAuthorIdent();
      return Optional.of(
          new CommitInfo(
              c.name(),
              c.getShortMessage(),
              author.getName(),
              author.getEmailAddress(),
              author.getWhenAsInstant(),
              c.getCommitterIdent().getWhenAsInstant(),
              c.getFullMessage()));
    } catch (MissingObjectException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw readError(e);
    }
  }

  /** The sha {@code origin/<branch>} points at; empty when the remote has no such branch. */
  public Optional<String> branchHead(String branch) {
    try {
      Ref ref = clone.repository().exactRef(TRACKING + branch);
      return ref == null ? Optional.empty() : Optional.of(ref.getObjectId().name());
    } catch (IOException e) {
      throw readError(e);
    }
  }

  private static Optional<ObjectId> parseSha(String commit) {
    if (commit == null || !ObjectId.isId(commit.toLowerCase())) {
      return Optional.empty();
    }
    return Optional.of(ObjectId.fromString(commit.toLowerCase()));
  }

  private CairnException readError(IOException e) {
    return new CairnException(
        "cannot read the Git clone at " + clone.dir() + ": " + e.getMessage(), e);
  }
}
