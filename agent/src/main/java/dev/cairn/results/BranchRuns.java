package dev.cairn.results;

import dev.cairn.CairnException;
import dev.cairn.NotFoundException;
import dev.cairn.report.RunHistory;
import dev.cairn.report.RunReport;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.RepositoryCache;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.util.FS;
import org.jspecify.annotations.Nullable;

/**
 * The runs of a branch as {@code runs}, {@code compare} and {@code ci await} read them: from a
 * local clone (its {@code origin/<branch>} when that is ahead) or from a URL, cloned bare into a
 * temporary folder for the call. Reads Git only.
 */
public record BranchRuns(String branch, String where, List<RunReport> runs) {

  /** Whether {@code repo} names a remote rather than a folder. */
  public static boolean isUrl(String repo) {
    return repo.contains("://") || repo.matches("[^/\\s]+@[^/\\s:]+:.*");
  }

  public static BranchRuns load(String repo, @Nullable String branch) {
    if (isUrl(repo)) {
      return fromUrl(repo, branch);
    }
    Path dir = Path.of(repo).toAbsolutePath().normalize();
    try (Repository git = open(dir)) {
      String b = branch != null ? branch : git.getBranch();
      if (branch == null && ObjectId.isId(b)) {
        return detached(git, dir);
      }
      ObjectId head = head(git, b);
      if (head == null) {
        throw new NotFoundException(
            "branch "
                + b
                + " is not in "
                + dir
                + "; pass --branch with a branch that has results commits");
      }
      return new BranchRuns(b, dir.toString(), RunHistory.read(git, head));
    } catch (IOException e) {
      throw new CairnException("cannot read " + dir + ": " + e.getMessage(), e);
    }
  }

  /**
   * A detached checkout (a results commit checked out to reproduce it): the runs at HEAD, on the
   * branch their newest {@code run.json} names, read up to that branch's tip where the clone has it
   * and HEAD is in its history.
   */
  private static BranchRuns detached(Repository git, Path dir) throws IOException {
    ObjectId at = git.resolve(Constants.HEAD);
    List<RunReport> runs = RunHistory.read(git, at);
    String named = null;
    for (RunReport r : runs) {
      named = r.branch() != null && !r.branch().isBlank() ? r.branch() : named;
    }
    if (named == null) {
      throw new CairnException(
          "HEAD of "
              + dir
              + " is detached and its results name no branch; pass --branch with a branch that"
              + " has results commits");
    }
    ObjectId tip = head(git, named);
    if (tip != null) {
      try (RevWalk walk = new RevWalk(git)) {
        if (walk.isMergedInto(walk.parseCommit(at), walk.parseCommit(tip))) {
          return new BranchRuns(named, dir.toString(), RunHistory.read(git, tip));
        }
      }
    }
    return new BranchRuns(named, dir.toString(), runs);
  }

  private static Repository open(Path dir) throws IOException {
    if (RepositoryCache.FileKey.isGitRepository(dir.toFile(), FS.DETECTED)) {
      return new FileRepositoryBuilder().setGitDir(dir.toFile()).setMustExist(true).build();
    }
    FileRepositoryBuilder builder = new FileRepositoryBuilder().findGitDir(dir.toFile());
    if (builder.getGitDir() == null) {
      throw new CairnException(
          dir
              + " is not in a Git repository; pass --repo with a clone of the experiment repository or its URL");
    }
    return builder.setMustExist(true).build();
  }

  /** The newer of the branch and its remote-tracking branch: results arrive with a fetch. */
  private static @Nullable ObjectId head(Repository git, String branch) throws IOException {
    List<ObjectId> candidates = new ArrayList<>();
    for (String name :
        new String[] {Constants.R_REMOTES + "origin/" + branch, Constants.R_HEADS + branch}) {
      Ref ref = git.exactRef(name);
      if (ref != null) {
        candidates.add(ref.getObjectId());
      }
    }
    if (candidates.isEmpty()) {
      return null;
    }
    if (candidates.size() == 2) {
      try (RevWalk walk = new RevWalk(git)) {
        if (walk.isMergedInto(
            walk.parseCommit(candidates.get(0)), walk.parseCommit(candidates.get(1)))) {
          return candidates.get(1);
        }
      }
    }
    return candidates.get(0);
  }

  private static BranchRuns fromUrl(String url, @Nullable String branch) {
    Path tmp = null;
    try {
      tmp = Files.createTempDirectory("cairn-runs");
      var clone =
          Git.cloneRepository()
              .setURI(url)
              .setBare(true)
              .setDirectory(tmp.toFile())
              .setTimeout(120);
      if (branch != null) {
        clone
            .setBranchesToClone(List.of(Constants.R_HEADS + branch))
            .setBranch(Constants.R_HEADS + branch);
      }
      try (Git git = clone.call()) {
        Repository repo = git.getRepository();
        String b = branch != null ? branch : repo.getBranch();
        Ref ref = repo.exactRef(Constants.R_HEADS + b);
        if (ref == null) {
          throw new NotFoundException(
              "branch "
                  + b
                  + " is not on "
                  + url
                  + "; pass --branch with a branch that has results commits");
        }
        return new BranchRuns(b, url, RunHistory.read(repo, ref.getObjectId()));
      }
    } catch (GitAPIException | IOException e) {
      throw new CairnException("cannot read " + url + ": " + e.getMessage(), e);
    } finally {
      delete(tmp);
    }
  }

  /** The run a name means, or a one-line error naming how to list them. */
  public RunReport find(String name) {
    RunReport run = RunHistory.find(runs, name);
    if (run == null) {
      throw new CairnException(
          "'"
              + name
              + "' is not a run on branch "
              + branch
              + " of "
              + where
              + "; `agent.jar runs` lists them");
    }
    return run;
  }

  private static void delete(@Nullable Path dir) {
    if (dir == null) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
    } catch (IOException e) {
      // a temporary folder left behind
    }
  }
}
