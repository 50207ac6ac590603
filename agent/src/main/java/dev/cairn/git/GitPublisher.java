package dev.cairn.git;

import dev.cairn.CairnException;
import java.io.IOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.eclipse.jgit.api.PushCommand;
import org.eclipse.jgit.api.errors.GitAPIException;
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
import org.eclipse.jgit.transport.PushResult;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.RemoteRefUpdate;
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
  private static final Logger LOG = LoggerFactory.getLogger(GitPublisher.class);
  private static final int TIMEOUT_SECONDS = 120;

  /** Runs before each push attempt; lets tests move the branch at the worst moment. */
  interface BeforePush {
    void run(int attempt) throws Exception;
  }

  private final GitClone clone;
  private final String authorName;
  private final String authorEmail;
  private final BeforePush beforePush;
  private volatile boolean pushOptions = true;

  /** A publisher committing as "Cairn agent &lt;cairn@localhost&gt;". */
  public GitPublisher(GitClone clone) {
    this(clone, "Cairn agent", "cairn@localhost");
  }

  public GitPublisher(GitClone clone, String authorName, String authorEmail) {
    this(clone, authorName, authorEmail, attempt -> {});
  }

  GitPublisher(GitClone clone, String authorName, String authorEmail, BeforePush beforePush) {
    this.clone = clone;
    this.authorName = authorName;
    this.authorEmail = authorEmail;
    this.beforePush = beforePush;
  }

  /**
   * Commits {@code files} onto {@code branch} and pushes. Everything below {@code relDir} is
   * replaced by the files given there; files outside it (e.g. {@code .dvc/config}) are written as
   * given, except {@code .gitignore} files, whose lines are added to the branch's current ones.
   * Publishing the same content with the same message twice returns the first commit.
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
      ObjectId tip = rebasePending(branch, remoteHead(branch));
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
        ObjectId treeId = tree.write(inserter);
        if (treeId.equals(base.getTree()) && message.equals(base.getFullMessage())) {
          LOG.info("results already on {}: {}", branch, base.name());
        } else {
          ObjectId commit = insertCommit(inserter, treeId, base, message, null);
          setPending(branch, commit);
          LOG.info("committed results {} for {}", commit.name(), dir);
        }
      }
      return pushPending(branch);
    } catch (IOException e) {
      throw new CairnException(
          "cannot commit results in " + clone.dir() + ": " + e.getMessage(), e);
    } finally {
      clone.lock().unlock();
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
      ObjectId origin = remoteHead(branch);
      ObjectId tip = rebasePending(branch, origin);
      if (tip.equals(origin)) {
        return Optional.empty();
      }
      LOG.info("pushing results commits left from an earlier run onto {}", branch);
      return Optional.of(pushPending(branch));
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

  private String pushPending(String branch) throws IOException {
    for (int attempt = 1; ; attempt++) {
      runBeforePush(attempt);
      Ref pending = clone.repository().exactRef(PENDING + branch);
      if (pending == null) {
        return remoteHead(branch).name();
      }
      ObjectId tip = pending.getObjectId();
      List<RemoteRefUpdate> rejected = push(branch);
      if (rejected.isEmpty()) {
        setRef(GitClone.TRACKING + branch, tip);
        RefUpdate delete = clone.repository().updateRef(PENDING + branch);
        delete.setExpectedOldObjectId(tip);
        delete.setForceUpdate(true);
        delete.delete();
        LOG.info("pushed results {} to {} {}", tip.name(), clone.remoteForMessages(), branch);
        return tip.name();
      }
      RemoteRefUpdate update = rejected.get(0);
      if (!branchMoved(update)) {
        throw new CairnException(
            "push to "
                + clone.remoteForMessages()
                + " refs/heads/"
                + branch
                + " was rejected: "
                + update.getStatus()
                + describe(update.getMessage())
                + "; check the agent's write access and branch protection");
      }
      if (attempt >= MAX_PUSH_ATTEMPTS) {
        throw new CairnException(
            "push to "
                + clone.remoteForMessages()
                + " refs/heads/"
                + branch
                + " still rejected after "
                + attempt
                + " attempts because the branch keeps moving ("
                + update.getStatus()
                + "); the results commit is kept and pushed on the next publish");
      }
      LOG.info(
          "branch {} moved during push ({}); rebasing, attempt {}",
          branch,
          update.getStatus(),
          attempt + 1);
      backoff(attempt);
      clone.fetch();
      rebasePending(branch, remoteHead(branch));
    }
  }

  /** Pushes the pending ref; returns the rejected updates, empty on success. */
  private List<RemoteRefUpdate> push(String branch) {
    RefSpec spec = new RefSpec(PENDING + branch + ":" + Constants.R_HEADS + branch);
    Iterable<PushResult> results;
    try {
      PushCommand command =
          clone
              .git()
              .push()
              .setRemote(GitClone.REMOTE)
              .setRefSpecs(spec)
              .setTimeout(TIMEOUT_SECONDS);
      if (pushOptions) {
        command.setPushOptions(List.of(CI_SKIP));
      }
      results = clone.auth().apply(command).call();
    } catch (GitAPIException e) {
      String why = GitClone.rootMessage(e);
      if (pushOptions && why.toLowerCase(Locale.ROOT).contains("push options not supported")) {
        // Only GitLab reads ci.skip; a remote without push options runs no pipeline to skip.
        pushOptions = false;
        LOG.warn(
            "{} does not accept push options; pushing without ci.skip from now on",
            clone.remoteForMessages());
        return push(branch);
      }
      throw new CairnException(
          "cannot push to " + clone.remoteForMessages() + ": " + clone.why(e), e);
    }
    List<RemoteRefUpdate> rejected = new ArrayList<>();
    for (PushResult result : results) {
      for (RemoteRefUpdate update : result.getRemoteUpdates()) {
        if (update.getStatus() != RemoteRefUpdate.Status.OK
            && update.getStatus() != RemoteRefUpdate.Status.UP_TO_DATE) {
          rejected.add(update);
        }
      }
    }
    return rejected;
  }

  private static boolean branchMoved(RemoteRefUpdate update) {
    return switch (update.getStatus()) {
      case REJECTED_NONFASTFORWARD, REJECTED_REMOTE_CHANGED -> true;
      case REJECTED_OTHER_REASON -> {
        String why = String.valueOf(update.getMessage()).toLowerCase(Locale.ROOT);
        yield why.contains("lock") || why.contains("fetch first") || why.contains("stale");
      }
      default -> false;
    };
  }

  /**
   * Replays the pending results commits that {@code origin} lacks on top of it, path by path.
   * Results folders never overlap; {@code .gitignore} files are merged by lines.
   *
   * @return the new pending tip, or {@code origin} when nothing is pending
   */
  private ObjectId rebasePending(String branch, ObjectId origin) throws IOException {
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
      for (RevCommit c : walk) {
        todo.add(c);
      }
      if (todo.isEmpty()) {
        RefUpdate delete = repo.updateRef(PENDING + branch);
        delete.setForceUpdate(true);
        delete.delete();
        return origin;
      }
      if (todo.get(0).getParentCount() == 1 && todo.get(0).getParent(0).equals(origin)) {
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
      LOG.info("rebased {} results commit(s) onto {} {}", todo.size(), branch, origin.name());
      return tip;
    }
  }

  private ObjectId insertCommit(
      ObjectInserter inserter, ObjectId tree, ObjectId parent, String message, PersonIdent author)
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
    setRef(PENDING + branch, commit);
  }

  private void setRef(String name, ObjectId id) throws IOException {
    RefUpdate update = clone.repository().updateRef(name);
    update.setNewObjectId(id);
    update.setForceUpdate(true);
    RefUpdate.Result result = update.update();
    switch (result) {
      case NEW, FORCED, FAST_FORWARD, NO_CHANGE -> {}
      default ->
          throw new CairnException(
              "cannot update "
                  + name
                  + " in "
                  + clone.dir()
                  + ": "
                  + result
                  + "; is another agent using this clone?");
    }
  }

  private ObjectId remoteHead(String branch) throws IOException {
    Ref ref = clone.repository().exactRef(GitClone.TRACKING + branch);
    if (ref == null) {
      throw new CairnException(
          "branch "
              + branch
              + " does not exist on "
              + clone.remoteForMessages()
              + "; push it once or set CAIRN_RESULTS_BRANCH to an existing branch");
    }
    return ref.getObjectId();
  }

  private void runBeforePush(int attempt) {
    try {
      beforePush.run(attempt);
    } catch (Exception e) {
      throw new IllegalStateException("before-push hook failed", e);
    }
  }

  private static void backoff(int attempt) {
    long millis = 100L * attempt + ThreadLocalRandom.current().nextLong(150);
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CairnException("interrupted while pushing results; they are pushed next time", e);
    }
  }

  private static String describe(String message) {
    return message == null || message.isBlank() ? "" : " (" + message + ")";
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
