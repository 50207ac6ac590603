package dev.cairn.results;

import dev.cairn.CairnException;
import dev.cairn.dvc.DvcConfig;
import dev.cairn.dvc.DvcFile;
import dev.cairn.dvc.DvcOutput;
import dev.cairn.dvc.DvcPullReport;
import dev.cairn.dvc.DvcPuller;
import dev.cairn.store.FileObjectStore;
import dev.cairn.store.ObjectStore;
import dev.cairn.store.ObjectStores;
import dev.cairn.store.S3Credentials;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectLoader;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.eclipse.jgit.treewalk.filter.PathSuffixFilter;
import org.jspecify.annotations.Nullable;

/**
 * Brings back the outputs that the {@code .dvc} files of a revision name, from the DVC remote in
 * {@code .dvc/config}, checking each object's MD5: {@code dvc pull} without DVC.
 */
public final class OutputsPull {
  private final Path repo;
  private final String rev;
  private final List<String> paths;
  private final int jobs;

  /**
   * Outputs of the {@code .dvc} files at {@code rev} in the clone holding {@code repo}, only those
   * under {@code paths} where it is not empty, with {@code jobs} parallel downloads.
   */
  public OutputsPull(Path repo, String rev, List<String> paths, int jobs) {
    this.repo = repo;
    this.rev = rev;
    this.paths = List.copyOf(paths);
    this.jobs = jobs;
  }

  /** Downloads the outputs, printing a line for each and a total, checking every MD5. */
  public void pull(PrintWriter out) throws IOException {
    Path root;
    try (Repository git =
        WorkingClone.open(
            repo,
            "run it in a clone of the experiment repository (git clone, then git checkout"
                + " <results commit>), or pass --repo with one")) {
      root = git.getWorkTree().toPath();
      ObjectId id = git.resolve(rev);
      if (id == null) {
        throw new CairnException(
            "'"
                + rev
                + "' is not a revision of "
                + root
                + "; pass --rev with a commit, branch or tag");
      }
      try (RevWalk walk = new RevWalk(git)) {
        RevCommit commit = walk.parseCommit(id);
        String config = read(git, commit, ".dvc/config");
        if (config == null) {
          throw new CairnException(
              rev + " has no .dvc/config; is this a results commit of a Cairn run?");
        }
        DvcConfig.Remote remote = DvcConfig.readRemote(config, rev + ":.dvc/config");
        List<String> dvcFiles = dvcFiles(git, commit);
        if (dvcFiles.isEmpty()) {
          throw new CairnException(
              "no .dvc files at "
                  + rev
                  + (paths.isEmpty() ? "" : " under " + String.join(", ", paths)));
        }
        DvcPullReport total = new DvcPullReport(0, 0, 0);
        try (ObjectStore store = open(remote)) {
          DvcPuller puller = new DvcPuller(store, "", jobs);
          for (String file : dvcFiles) {
            Path folder = root.resolve(file).getParent();
            String dvcFile = read(git, commit, file);
            if (folder == null || dvcFile == null) {
              throw new CairnException(file + " is not a file in " + rev);
            }
            for (DvcOutput output : DvcFile.parse(dvcFile, file)) {
              DvcPullReport r = puller.pull(output, folder);
              total = total.plus(r);
              out.printf("%s: %s%n", root.relativize(folder.resolve(output.path())), describe(r));
            }
          }
        }
        out.printf(
            "pulled %d file(s) (%d already in place) from %s%n",
            total.downloaded(), total.skipped(), remote.url());
      }
    }
    out.flush();
  }

  private List<String> dvcFiles(Repository git, RevCommit commit) throws IOException {
    List<String> result = new ArrayList<>();
    try (TreeWalk walk = new TreeWalk(git)) {
      walk.addTree(commit.getTree());
      walk.setRecursive(true);
      walk.setFilter(PathSuffixFilter.create(".dvc"));
      while (walk.next()) {
        String p = walk.getPathString();
        if (paths.isEmpty() || paths.stream().anyMatch(q -> p.startsWith(normalize(q)))) {
          result.add(p);
        }
      }
    }
    return result;
  }

  private String normalize(String p) {
    Path abs = repo.toAbsolutePath().resolve(p).normalize();
    Path root = repo.toAbsolutePath().normalize();
    String rel = abs.startsWith(root) ? root.relativize(abs).toString() : p;
    return rel.replace('\\', '/');
  }

  private static @Nullable String read(Repository git, RevCommit commit, String path)
      throws IOException {
    try (TreeWalk walk = TreeWalk.forPath(git, path, commit.getTree())) {
      if (walk == null) {
        return null;
      }
      ObjectLoader loader = git.open(walk.getObjectId(0));
      return new String(loader.getBytes(), StandardCharsets.UTF_8);
    }
  }

  public static ObjectStore open(DvcConfig.Remote remote) throws IOException {
    String url = remote.url();
    if (url.startsWith("s3://")) {
      String full =
          url
              + (remote.endpointUrl() == null
                  ? ""
                  : "?endpoint=" + URLEncoder.encode(remote.endpointUrl(), StandardCharsets.UTF_8));
      return ObjectStores.open(full, pullCredentials());
    }
    Path folder = Path.of(url.startsWith("file://") ? java.net.URI.create(url).getPath() : url);
    if (!Files.isDirectory(folder)) {
      throw new CairnException(
          "the DVC remote folder " + folder + " does not exist on this machine");
    }
    return new FileObjectStore(folder);
  }

  private static S3Credentials pullCredentials() {
    if (System.getenv("AWS_ACCESS_KEY_ID") != null
        && System.getenv("AWS_SECRET_ACCESS_KEY") != null) {
      return S3Credentials.fromEnvironment(
          "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", System.getenv());
    }
    return S3Credentials.defaultChain();
  }

  private static String describe(DvcPullReport r) {
    return r.downloaded() + " downloaded, " + r.skipped() + " already in place";
  }
}
