package dev.cairn.cli;

import dev.cairn.CairnException;
import dev.cairn.dvc.DvcConfig;
import dev.cairn.dvc.DvcFile;
import dev.cairn.dvc.DvcOutput;
import dev.cairn.dvc.DvcPullReport;
import dev.cairn.dvc.DvcPuller;
import dev.cairn.results.WorkingClone;
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
import java.util.concurrent.Callable;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectLoader;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.eclipse.jgit.treewalk.filter.PathSuffixFilter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code agent.jar pull}: brings back the outputs that the {@code .dvc} files of a revision name,
 * from the DVC remote in {@code .dvc/config}, checking each object's MD5: {@code dvc pull} without
 * DVC.
 */
@Command(
    name = "pull",
    mixinStandardHelpOptions = true,
    header = "Download a results commit's outputs from the DVC remote, checking every MD5.",
    description = {
      "Download the outputs named by the .dvc files of a Git revision (default HEAD) from the",
      "DVC remote of .dvc/config, verifying every object's MD5. S3 credentials come from",
      "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY or the AWS SDK's default chain."
    })
final class PullCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--rev",
      paramLabel = "REV",
      defaultValue = "HEAD",
      description = "Revision whose .dvc files to read (default: ${DEFAULT-VALUE}).")
  String rev;

  @Option(
      names = "--repo",
      paramLabel = "DIR",
      defaultValue = ".",
      description = "The Git working tree (default: the current folder).")
  Path repo;

  @Option(
      names = "--jobs",
      paramLabel = "N",
      defaultValue = "8",
      description = "Parallel downloads (default: ${DEFAULT-VALUE}).")
  int jobs;

  @Parameters(
      paramLabel = "PATH",
      arity = "0..*",
      description = "Only .dvc files under these paths (default: all).")
  List<String> paths = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
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
            for (DvcOutput output : DvcFile.parse(read(git, commit, file), file)) {
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
    return 0;
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

  private static String read(Repository git, RevCommit commit, String path) throws IOException {
    try (TreeWalk walk = TreeWalk.forPath(git, path, commit.getTree())) {
      if (walk == null) {
        return null;
      }
      ObjectLoader loader = git.open(walk.getObjectId(0));
      return new String(loader.getBytes(), StandardCharsets.UTF_8);
    }
  }

  static ObjectStore open(DvcConfig.Remote remote) throws IOException {
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
