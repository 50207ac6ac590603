package dev.cairn.git;

import dev.cairn.CairnException;
import dev.cairn.Faults;
import java.io.IOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevSort;
import org.eclipse.jgit.revwalk.RevWalk;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commits a run's results onto the remote branch and pushes them with the {@code ci.skip} push
 * option. Commits are built in memory on top of {@code origin/<branch>} and kept under {@code
 * refs/cairn/pending/<branch>} until the push succeeds, so a crash between commit and push loses
 * nothing; a push rejected because the branch moved is rebased and retried.
 */
public final class GitPublisher {
  /** Where results commits wait until they are on the remote. */
  static final String PENDING = "refs/cairn/pending/";

  /** GitLab's push option that keeps the results push from starting a pipeline. */
  static final String CI_SKIP = "ci.skip";

  static final int MAX_PUSH_ATTEMPTS = 5;

  /** How far back a repeated publish looks for the run's results commit. */
  private static final int RECENT_COMMITS = 1000;

  private static final Logger LOG = LoggerFactory.getLogger(GitPublisher.class);

  /** Runs before each push attempt; lets tests move the branch at the worst moment. */
  interface BeforePush {
    void run(int attempt) throws Exception;
  }

  private final GitClone clone;
  private final String authorName;
  private final String authorEmail;
  private final GitPush push;
  private final Faults faults;

  /**
   * While {@link #publishOnce} runs (under the clone's lock): the file whose presence on the
   * fetched branch means another agent published the same results first.
   */
  private @Nullable String once;

  /** A publisher committing as "Cairn agent &lt;cairn@localhost&gt;". */
  public GitPublisher(GitClone clone) {
    this(clone, "Cairn agent", "cairn@localhost");
  }

  public GitPublisher(GitClone clone, String authorName, String authorEmail) {
    this(clone, authorName, authorEmail, Faults.NONE);
  }

  /** As above, marking its steps in {@code faults} for the crash tests. */
  public GitPublisher(GitClone clone, String authorName, String authorEmail, Faults faults) {
    this(clone, authorName, authorEmail, attempt -> {}, faults);
  }

  GitPublisher(GitClone clone, String authorName, String authorEmail, BeforePush beforePush) {
    this(clone, authorName, authorEmail, beforePush, Faults.NONE);
  }

  private GitPublisher(
      GitClone clone, String authorName, String authorEmail, BeforePush beforePush, Faults faults) {
    this.clone = clone;
    this.faults = faults;
    this.authorName = authorName;
    this.authorEmail = authorEmail;
    this.push = new GitPush(clone, beforePush, b -> rebasePending(b, clone.remoteHead(b)), faults);
  }

  /**
   * Commits {@code files} onto {@code branch} and pushes. Everything below {@code relDir} is
   * replaced by the files given there; files outside it (e.g. {@code .dvc/config}) are written as
   * given, except {@code .gitignore} files, whose lines are added to the branch's current ones.
   * Publishing with the same message (it names the run) again returns the first commit, so a
   * publish repeated after a crash never adds a second results commit.
   *
   * @param relDir the run's folder, e.g. {@code results/<run-id>}
   * @param files contents by path relative to the repository root
   * @return the sha of the results commit as pushed
   */
  public String publish(String branch, String relDir, Map<String, byte[]> files, String message) {
    checkBranch(branch);
    String dir =
        checkPath(relDir.endsWith("/") ? relDir.substring(0, relDir.length() - 1) : relDir);
    files.keySet().forEach(GitPublisher::checkPath);
    clone.lock().lock();
    try {
      clone.fetch();
      ObjectId tip = rebasePending(branch, clone.remoteHead(branch));
      Optional<ObjectId> earlier = committed(tip, message);
      if (earlier.isPresent()) {
        // a publish repeated after a crash: the run's commit exists (its message names the run)
        if (committed(clone.remoteHead(branch), message).isPresent()) {
          LOG.info("results already on {}: {}", branch, earlier.get().name());
        } else {
          LOG.info(
              "results already committed as {}, not yet on {}; pushing",
              earlier.get().name(),
              branch);
        }
        push.pushPending(branch);
        return committed(clone.remoteHead(branch), message).orElse(earlier.get()).name();
      }
      Repository repo = clone.repository();
      try (ObjectInserter inserter = repo.newObjectInserter();
          ObjectReader reader = inserter.newReader();
          RevWalk walk = new RevWalk(reader)) {
        RevCommit base = walk.parseCommit(tip);
        FlatTree tree = FlatTree.read(reader, base.getTree());
        tree.removeDir(dir);
        for (Map.Entry<String, byte[]> file : files.entrySet()) {
          String path = file.getKey();
          byte[] content = file.getValue();
          Optional<FlatTree.Entry> current = tree.get(path);
          if (FlatTree.isGitignore(path) && current.isPresent()) {
            content = FlatTree.unionLines(reader.open(current.get().blob()).getBytes(), content);
          }
          ObjectId blob = inserter.insert(Constants.OBJ_BLOB, content);
          tree.put(path, new FlatTree.Entry(FileMode.REGULAR_FILE, blob));
        }
        ObjectId commit = insertCommit(inserter, tree.write(inserter), base, message, null);
        setPending(branch, commit);
        LOG.info("committed results {} for {}", commit.name(), dir);
        faults.at("results-commit");
      }
      return push.pushPending(branch);
    } catch (IOException e) {
      throw new CairnException(
          "cannot commit results in " + clone.dir() + ": " + e.getMessage(), e);
    } finally {
      clone.lock().unlock();
    }
  }

  /**
   * {@link #publish} for results that several agents may publish at once (the clusters of one run):
   * exactly one commit holding {@code marker} reaches the branch. Where the fetched branch holds it
   * already, before the commit or after a rejected push, this agent's commit is dropped and the
   * commit that added the marker is returned: Git's compare-and-swap on the branch decides.
   */
  public String publishOnce(
      String branch, String relDir, Map<String, byte[]> files, String message, String marker) {
    checkPath(marker);
    clone.lock().lock();
    try {
      clone.fetch();
      Optional<ObjectId> first = addedBy(clone.remoteHead(branch), marker);
      if (first.isPresent()) {
        // a commit this agent made for the same results before a crash is dropped, never pushed
        dropPending(branch, message);
        LOG.info(
            "{} is on {} already, from {}: not publishing again",
            marker,
            branch,
            first.get().name());
        return first.get().name();
      }
      once = marker;
      try {
        return publish(branch, relDir, files, message);
      } catch (PublishedElsewhere e) {
        once = null;
        dropPending(branch, message);
        LOG.info(
            "{} reached {} first from {}: this agent's commit is dropped",
            marker,
            branch,
            e.commit);
        return e.commit;
      } finally {
        once = null;
      }
    } catch (IOException e) {
      throw new CairnException("cannot read " + clone.dir() + ": " + e.getMessage(), e);
    } finally {
      clone.lock().unlock();
    }
  }

  /** The commit on {@code tip}'s first-parent line that added {@code path}, if the tip holds it. */
  private Optional<ObjectId> addedBy(ObjectId tip, String path) throws IOException {
    try (RevWalk walk = new RevWalk(clone.repository())) {
      RevCommit c = walk.parseCommit(tip);
      if (!holds(c, path)) {
        return Optional.empty();
      }
      for (int seen = 0; seen < RECENT_COMMITS && c.getParentCount() > 0; seen++) {
        RevCommit parent = walk.parseCommit(c.getParent(0));
        if (!holds(parent, path)) {
          break;
        }
        c = parent;
      }
      return Optional.of(c.copy());
    }
  }

  private boolean holds(RevCommit commit, String path) throws IOException {
    try (org.eclipse.jgit.treewalk.TreeWalk tw =
        org.eclipse.jgit.treewalk.TreeWalk.forPath(clone.repository(), path, commit.getTree())) {
      return tw != null;
    }
  }

  /** Drops this agent's pending commit {@code message}, keeping any pending before it. */
  private void dropPending(String branch, String message) throws IOException {
    rebasePending(branch, clone.remoteHead(branch), message);
  }

  /** Thrown from a rebase that finds the results {@link #publishOnce} publishes on the branch. */
  private static final class PublishedElsewhere extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String commit;

    PublishedElsewhere(String commit) {
      super("published elsewhere as " + commit, null, false, false);
      this.commit = commit;
    }
  }

  /**
   * Pushes results commits that were made but not pushed (e.g. before a crash), rebased onto the
   * current remote branch.
   *
   * @return the pushed tip, or empty when nothing was waiting
   */
  public Optional<String> pushAll(String branch) {
    checkBranch(branch);
    clone.lock().lock();
    try {
      if (clone.repository().exactRef(PENDING + branch) == null) {
        return Optional.empty();
      }
      clone.fetch();
      ObjectId origin = clone.remoteHead(branch);
      ObjectId tip = rebasePending(branch, origin);
      if (tip.equals(origin)) {
        return Optional.empty();
      }
      LOG.info("pushing results commits left from an earlier run onto {}", branch);
      return Optional.of(push.pushPending(branch));
    } catch (IOException e) {
      throw new CairnException("cannot read " + clone.dir() + ": " + e.getMessage(), e);
    } finally {
      clone.lock().unlock();
    }
  }

  /** Branches that hold results commits not yet pushed. */
  public List<String> pendingBranches() {
    try {
      return clone.repository().getRefDatabase().getRefsByPrefix(PENDING).stream()
          .map(r -> r.getName().substring(PENDING.length()))
          .toList();
    } catch (IOException e) {
      throw new CairnException("cannot read " + clone.dir() + ": " + e.getMessage(), e);
    }
  }

  /**
   * Replays the pending results commits that {@code origin} lacks on top of it, path by path.
   * Results folders never overlap; {@code .gitignore} files are merged by lines.
   *
   * @return the new pending tip, or {@code origin} when nothing is pending
   */
  private ObjectId rebasePending(String branch, ObjectId origin) throws IOException {
    return rebasePending(branch, origin, null);
  }

  /** As above, leaving out every pending commit whose message is {@code drop}. */
  private ObjectId rebasePending(String branch, ObjectId origin, @Nullable String drop)
      throws IOException {
    String marker = once;
    if (marker != null) {
      Optional<ObjectId> first = addedBy(origin, marker);
      if (first.isPresent()) {
        throw new PublishedElsewhere(first.get().name());
      }
    }
    Repository repo = clone.repository();
    Ref pending = repo.exactRef(PENDING + branch);
    if (pending == null) {
      return origin;
    }
    try (ObjectInserter inserter = repo.newObjectInserter();
        ObjectReader reader = inserter.newReader();
        RevWalk walk = new RevWalk(reader)) {
      walk.sort(RevSort.TOPO);
      walk.sort(RevSort.REVERSE, true);
      walk.markStart(walk.parseCommit(pending.getObjectId()));
      walk.markUninteresting(walk.parseCommit(origin));
      List<RevCommit> todo = new ArrayList<>();
      boolean dropped = false;
      for (RevCommit c : walk) {
        if (c.getFullMessage().equals(drop)) {
          dropped = true;
        } else {
          todo.add(c);
        }
      }
      if (todo.isEmpty()) {
        RefUpdate delete = repo.updateRef(PENDING + branch);
        delete.setForceUpdate(true);
        delete.delete();
        return origin;
      }
      if (!dropped
          && todo.get(0).getParentCount() == 1
          && todo.get(0).getParent(0).equals(origin)) {
        return pending.getObjectId();
      }
      RevCommit tip = walk.parseCommit(origin);
      for (RevCommit c : todo) {
        RevCommit parent = walk.parseCommit(c.getParent(0));
        FlatTree tree = FlatTree.read(reader, tip.getTree());
        Replay.apply(reader, inserter, tree, parent.getTree(), c.getTree());
        ObjectId id =
            insertCommit(
                inserter, tree.write(inserter), tip, c.getFullMessage(), c.getAuthorIdent());
        tip = walk.parseCommit(id);
      }
      setPending(branch, tip);
      LOG.info(
          "rebased {} results commit(s) onto {} {}{}",
          todo.size(),
          branch,
          origin.name(),
          dropped ? " without the one already published" : "");
      return tip;
    }
  }

  /** The latest commit with this exact message among the recent first parents of {@code tip}. */
  private Optional<ObjectId> committed(ObjectId tip, String message) throws IOException {
    try (RevWalk walk = new RevWalk(clone.repository())) {
      walk.setFirstParent(true);
      walk.markStart(walk.parseCommit(tip));
      int seen = 0;
      for (RevCommit c : walk) {
        if (message.equals(c.getFullMessage())) {
          return Optional.of(c.copy());
        }
        if (++seen >= RECENT_COMMITS) {
          break;
        }
      }
    }
    return Optional.empty();
  }

  private ObjectId insertCommit(
      ObjectInserter inserter,
      ObjectId tree,
      ObjectId parent,
      String message,
      @Nullable PersonIdent author)
      throws IOException {
    PersonIdent now = new PersonIdent(authorName, authorEmail, Instant.now(), ZoneOffset.UTC);
    CommitBuilder commit = new CommitBuilder();
    commit.setTreeId(tree);
    commit.setParentId(parent);
    commit.setAuthor(author == null ? now : author);
    commit.setCommitter(now);
    commit.setMessage(message);
    ObjectId id = inserter.insert(commit);
    inserter.flush();
    return id;
  }

  private void setPending(String branch, ObjectId commit) throws IOException {
    clone.setRef(PENDING + branch, commit);
  }

  static void checkBranch(String branch) {
    if (branch == null || !Repository.isValidRefName(Constants.R_HEADS + branch)) {
      throw new CairnException("'" + branch + "' is not a valid Git branch name");
    }
  }

  static String checkPath(String path) {
    boolean bad = path == null || path.isEmpty() || path.startsWith("/") || path.contains("\\");
    if (!bad) {
      for (String part : path.split("/", -1)) {
        if (part.isEmpty()
            || part.equals(".")
            || part.equals("..")
            || part.equalsIgnoreCase(Constants.DOT_GIT)) {
          bad = true;
        }
      }
    }
    if (bad) {
      throw new IllegalArgumentException("not a relative path inside the repository: " + path);
    }
    return path;
  }
}
