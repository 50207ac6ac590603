package dev.cairn.git;

import dev.cairn.CairnException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.RepositoryCache;
import org.eclipse.jgit.lib.StoredConfig;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.util.FS;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's own clone of the experiment repository: opened or created (bare) at a path, fetched
 * from one remote URL. Shared by the provenance checks and the publisher; {@link #lock()} keeps
 * their ref updates apart within one process.
 */
public final class GitClone implements AutoCloseable {
  static final String REMOTE = "origin";
  static final String TRACKING = Constants.R_REMOTES + REMOTE + "/";
  private static final Logger LOG = LoggerFactory.getLogger(GitClone.class);
  private static final int TIMEOUT_SECONDS = 120;

  private final Path dir;
  private final String remoteUrl;
  private final GitAuth auth;
  private final Git git;
  private final ReentrantLock lock = new ReentrantLock();

  private GitClone(Path dir, String remoteUrl, GitAuth auth, Git git) {
    this.dir = dir;
    this.remoteUrl = remoteUrl;
    this.auth = auth;
    this.git = git;
  }

  /**
   * Opens the clone at {@code dir}, or creates a bare one and fetches {@code remoteUrl} into it
   * when {@code dir} is missing or empty. The remote URL in an existing clone is set to {@code
   * remoteUrl}: the settings win.
   */
  public static GitClone open(Path dir, String remoteUrl, GitAuth auth) {
    Path abs = dir.toAbsolutePath().normalize();
    try {
      boolean create = !Files.exists(abs) || isEmptyDir(abs);
      Repository repo;
      if (create) {
        Files.createDirectories(abs);
        repo = Git.init().setBare(true).setDirectory(abs.toFile()).call().getRepository();
      } else {
        Path gitDir = gitDir(abs);
        if (gitDir == null) {
          throw new CairnException(
              "clone folder "
                  + abs
                  + " exists but is not a Git repository; empty it or set CAIRN_REPO_DIR"
                  + " elsewhere");
        }
        repo = new FileRepositoryBuilder().setGitDir(gitDir.toFile()).setMustExist(true).build();
      }
      configureRemote(repo, remoteUrl);
      GitClone clone = new GitClone(abs, remoteUrl, auth, new Git(repo, true));
      if (create) {
        LOG.info("cloning {} into {}", GitAuth.redactUrl(remoteUrl), abs);
        clone.fetch();
      }
      return clone;
    } catch (IOException | GitAPIException e) {
      throw new CairnException(
          "cannot open the Git clone at " + abs + ": " + auth.scrub(String.valueOf(e.getMessage())),
          e);
    }
  }

  private static boolean isEmptyDir(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return false;
    }
    try (Stream<Path> entries = Files.list(dir)) {
      return entries.findAny().isEmpty();
    }
  }

  private static @Nullable Path gitDir(Path dir) {
    if (RepositoryCache.FileKey.isGitRepository(dir.toFile(), FS.DETECTED)) {
      return dir;
    }
    Path dotGit = dir.resolve(Constants.DOT_GIT);
    return RepositoryCache.FileKey.isGitRepository(dotGit.toFile(), FS.DETECTED) ? dotGit : null;
  }

  private static void configureRemote(Repository repo, String url) throws IOException {
    StoredConfig config = repo.getConfig();
    String fetch = "+" + Constants.R_HEADS + "*:" + TRACKING + "*";
    if (!url.equals(config.getString("remote", REMOTE, "url"))
        || !fetch.equals(config.getString("remote", REMOTE, "fetch"))) {
      config.setString("remote", REMOTE, "url", url);
      config.setString("remote", REMOTE, "fetch", fetch);
      config.save();
    }
  }

  /** Updates every {@code refs/remotes/origin/*} from the remote, dropping deleted branches. */
  public void fetch() {
    lock.lock();
    try {
      auth.apply(
              git.fetch()
                  .setRemote(REMOTE)
                  .setRefSpecs(new RefSpec("+" + Constants.R_HEADS + "*:" + TRACKING + "*"))
                  .setRemoveDeletedRefs(true)
                  .setTimeout(TIMEOUT_SECONDS))
          .call();
    } catch (GitAPIException e) {
      throw new CairnException("cannot fetch " + remoteForMessages() + ": " + why(e), e);
    } finally {
      lock.unlock();
    }
  }

  /** The repository, for reading objects and refs. */
  public Repository repository() {
    return git.getRepository();
  }

  Git git() {
    return git;
  }

  GitAuth auth() {
    return auth;
  }

  /** Held while refs of this clone change; reentrant. */
  public ReentrantLock lock() {
    return lock;
  }

  /** The clone's folder. */
  public Path dir() {
    return dir;
  }

  /** The remote URL as configured, credentials included: never for messages. */
  String remoteUrl() {
    return remoteUrl;
  }

  /** The fetched head of {@code branch} on the remote. */
  ObjectId remoteHead(String branch) throws IOException {
    Ref ref = repository().exactRef(TRACKING + branch);
    if (ref == null) {
      throw new CairnException(
          "branch "
              + branch
              + " does not exist on "
              + remoteForMessages()
              + "; push it once or set CAIRN_RESULTS_BRANCH to an existing branch");
    }
    return ref.getObjectId();
  }

  /** Points the ref {@code name} of the clone at {@code id}, whatever it pointed at before. */
  void setRef(String name, ObjectId id) throws IOException {
    RefUpdate update = repository().updateRef(name);
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
                  + dir
                  + ": "
                  + result
                  + "; is another agent using this clone?");
    }
  }

  /** The remote URL without credentials, for messages and logs. */
  public String remoteForMessages() {
    return GitAuth.redactUrl(remoteUrl);
  }

  /** The causes of {@code e} in one line, without credentials or a repeat of the remote URL. */
  String why(Throwable e) {
    String text = auth.scrub(rootMessage(e));
    String url = remoteForMessages();
    while (text.startsWith(url + ": ")) {
      text = text.substring(url.length() + 2);
    }
    return text;
  }

  static String rootMessage(Throwable e) {
    StringBuilder out = new StringBuilder(String.valueOf(e.getMessage()));
    List<Throwable> seen = new ArrayList<>();
    for (Throwable c = e.getCause(); c != null && !seen.contains(c); c = c.getCause()) {
      seen.add(c);
      if (c.getMessage() != null && !out.toString().contains(c.getMessage())) {
        out.append(": ").append(c.getMessage());
      }
    }
    return out.toString();
  }

  @Override
  public void close() {
    git.close();
  }

  @Override
  public String toString() {
    return "GitClone[" + dir + " <- " + remoteForMessages() + ", " + auth + "]";
  }
}
