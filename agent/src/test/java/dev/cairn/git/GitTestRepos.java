package dev.cairn.git;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.ResetCommand.ResetType;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.StoredConfig;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.transport.RemoteRefUpdate;
import org.eclipse.jgit.treewalk.TreeWalk;

/** Bare remotes in a temporary folder and a second "developer" clone that pushes to them. */
public final class GitTestRepos {
  private GitTestRepos() {}

  /**
   * A bare repository at {@code dir} that accepts push options, with one commit on {@code branch}
   * holding {@code files}.
   */
  public static Path bareRemote(Path dir, String branch, Map<String, String> files)
      throws IOException, GitAPIException {
    initBare(dir, branch);
    commitAndPush(
        dir.toUri().toString(),
        branch,
        files,
        "Initial commit",
        Files.createTempDirectory(dir.getParent(), "seed"));
    return dir;
  }

  /**
   * A bare repository at {@code origin} that accepts push options, with one commit on {@code main}
   * by a researcher, made in {@code work}, that writes {@code config} as {@code config/config.env}.
   */
  public static RevCommit researcherRemote(Path origin, Path work, byte[] config, String message)
      throws IOException, GitAPIException {
    initBare(origin, "main");
    try (Git git = Git.init().setInitialBranch("main").setDirectory(work.toFile()).call()) {
      Files.createDirectories(work.resolve("config"));
      Files.write(work.resolve("config/config.env"), config);
      git.add().addFilepattern(".").call();
      PersonIdent who = new PersonIdent("Researcher", "researcher@example.org");
      RevCommit c = git.commit().setAuthor(who).setCommitter(who).setMessage(message).call();
      git.push().setRemote(origin.toUri().toString()).add("main").call();
      return c;
    }
  }

  private static void initBare(Path dir, String branch) throws IOException, GitAPIException {
    try (Git bare =
        Git.init().setBare(true).setInitialBranch(branch).setDirectory(dir.toFile()).call()) {
      StoredConfig config = bare.getRepository().getConfig();
      config.setBoolean("receive", null, "advertisePushOptions", true);
      config.setBoolean("receive", null, "pushOptions", true);
      config.save();
    }
  }

  /** Clones {@code url} into {@code work} (or reuses it), writes files, commits and pushes. */
  public static ObjectId commitAndPush(
      String url, String branch, Map<String, String> files, String message, Path work)
      throws IOException, GitAPIException {
    Git git;
    if (Files.exists(work.resolve(".git"))) {
      git = Git.open(work.toFile());
    } else {
      git = Git.init().setInitialBranch(branch).setDirectory(work.toFile()).call();
      StoredConfig config = git.getRepository().getConfig();
      config.setString("remote", "origin", "url", url);
      config.setString("remote", "origin", "fetch", "+refs/heads/*:refs/remotes/origin/*");
      config.save();
    }
    git.fetch().call();
    Repository repo = git.getRepository();
    if (repo.resolve("HEAD") != null && !branch.equals(repo.getBranch())) {
      git.checkout()
          .setName(branch)
          .setCreateBranch(repo.exactRef("refs/heads/" + branch) == null)
          .call();
    }
    if (repo.exactRef("refs/remotes/origin/" + branch) != null) {
      git.reset().setMode(ResetType.HARD).setRef("origin/" + branch).call();
    }
    try (git) {
      for (Map.Entry<String, String> f : files.entrySet()) {
        Path p = work.resolve(f.getKey());
        Files.createDirectories(p.getParent());
        Files.writeString(p, f.getValue());
      }
      git.add().addFilepattern(".").call();
      RevCommit commit =
          git.commit()
              .setMessage(message)
              .setAuthor("Dev", "dev@example.org")
              .setCommitter("Dev", "dev@example.org")
              .call();
      git.push()
          .setRemote("origin")
          .add(branch)
          .call()
          .forEach(
              r ->
                  r.getRemoteUpdates()
                      .forEach(
                          u -> {
                            if (u.getStatus() != RemoteRefUpdate.Status.OK) {
                              throw new IllegalStateException("seed push rejected: " + u);
                            }
                          }));
      return commit.getId();
    }
  }

  /** The commit {@code refs/heads/<branch>} points at in the bare repository. */
  public static RevCommit head(Path bare, String branch) throws IOException {
    try (Repository repo = Git.open(bare.toFile()).getRepository();
        RevWalk walk = new RevWalk(repo)) {
      Ref ref = repo.exactRef("refs/heads/" + branch);
      return ref == null ? null : walk.parseCommit(ref.getObjectId());
    }
  }

  /** The parsed commit {@code id} of {@code repoDir}. */
  public static RevCommit commit(Path repoDir, ObjectId id) throws IOException {
    try (Repository repo = Git.open(repoDir.toFile()).getRepository();
        RevWalk walk = new RevWalk(repo)) {
      return walk.parseCommit(id);
    }
  }

  /** The text of {@code path} at {@code commit} in {@code repoDir}, or null. */
  public static String read(Path repoDir, ObjectId commit, String path) throws IOException {
    try (Repository repo = Git.open(repoDir.toFile()).getRepository();
        ObjectReader reader = repo.newObjectReader();
        RevWalk walk = new RevWalk(reader)) {
      RevCommit c = walk.parseCommit(commit);
      try (TreeWalk tw = TreeWalk.forPath(reader, path, c.getTree())) {
        return tw == null
            ? null
            : new String(reader.open(tw.getObjectId(0)).getBytes(), StandardCharsets.UTF_8);
      }
    }
  }

  /** Whether {@code ancestor} is reachable from {@code tip} in {@code repoDir}. */
  public static boolean contains(Path repoDir, ObjectId tip, ObjectId ancestor) throws IOException {
    try (Repository repo = Git.open(repoDir.toFile()).getRepository();
        RevWalk walk = new RevWalk(repo)) {
      return walk.isMergedInto(walk.parseCommit(ancestor), walk.parseCommit(tip));
    }
  }
}
