package dev.cairn.demo;

import dev.cairn.Bundled;
import dev.cairn.CairnException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.StoredConfig;
import org.eclipse.jgit.revwalk.RevCommit;
import org.jspecify.annotations.Nullable;

/**
 * The demo's stand-ins for the cloud: a folder as object store, a bare repository as the Git remote
 * (seeded with this project's config/, templates/ and examples/), and a researcher's clone.
 */
public final class DemoWorkspace {
  public final Path root;
  public final Path store;
  public final Path origin;
  public final Path researcher;
  public final Path agentState;
  public final Path settings;

  public DemoWorkspace(Path root) {
    this.root = root.toAbsolutePath().normalize();
    this.store = this.root.resolve("store");
    this.origin = this.root.resolve("origin.git");
    this.researcher = this.root.resolve("researcher");
    this.agentState = this.root.resolve("agent");
    this.settings = this.root.resolve("agent.env");
  }

  /** Writes the agent settings of the demo ({@code agent.env}); returns the file. */
  public Path writeSettings() throws IOException {
    Files.writeString(
        settings,
        String.join(
            "\n",
            "# The demo's agent settings: use them with --settings " + settings,
            "CAIRN_STORE=" + store.toUri(),
            "CAIRN_STATE_DIR=" + agentState,
            "CAIRN_REPO_DIR=" + agentState.resolve("repo"),
            "CAIRN_REPO_REMOTE=" + origin.toUri(),
            "CAIRN_POLL_MIN_SECONDS=1",
            "CAIRN_POLL_MAX_SECONDS=2",
            // the demo runs on the local scheduler whatever the config says: the agent announces so
            "CAIRN_SCHEDULER=local",
            ""));
    return settings;
  }

  /** Creates the store, the bare origin and the seeded clone; returns the seed commit. */
  public RevCommit create() throws IOException, GitAPIException {
    return create(null);
  }

  /**
   * As {@link #create()}, with {@code ownConfig} (when not null) committed as {@code
   * config/config.env} in place of the project's.
   */
  public RevCommit create(byte @Nullable [] ownConfig) throws IOException, GitAPIException {
    if (Files.exists(root)) {
      try (Stream<Path> entries = Files.list(root)) {
        if (entries.findAny().isPresent()) {
          throw new CairnException(
              "the demo workspace " + root + " is not empty; pass --workspace with a new folder");
        }
      }
    }
    Files.createDirectories(store);
    try (Git bare =
        Git.init().setBare(true).setInitialBranch("main").setDirectory(origin.toFile()).call()) {
      StoredConfig config = bare.getRepository().getConfig();
      // accept GitLab's push options (ci.skip) as a GitLab remote does
      config.setBoolean("receive", null, "advertisePushOptions", true);
      config.setBoolean("receive", null, "pushOptions", true);
      config.save();
    }
    try (Git git =
        Git.cloneRepository()
            .setURI(origin.toUri().toString())
            .setDirectory(researcher.toFile())
            .call()) {
      // the clone of an empty repository has an unborn HEAD: point it at main
      git.getRepository().updateRef(org.eclipse.jgit.lib.Constants.HEAD).link("refs/heads/main");
      for (String part : new String[] {"config", "templates", "examples"}) {
        copyTree(Bundled.path(part), researcher.resolve(part));
      }
      if (ownConfig != null) {
        Files.write(researcher.resolve("config/config.env"), ownConfig);
      }
      git.add().addFilepattern(".").call();
      PersonIdent who = new PersonIdent("Demo Researcher", "researcher@example.org");
      RevCommit seed =
          git.commit()
              .setAuthor(who)
              .setCommitter(who)
              .setMessage(
                  ownConfig == null
                      ? "Fine-tune Prithvi-EO v2 300M on the three demo tasks"
                      : "Run the demo with a config of my own")
              .call();
      for (var result : git.push().setRemote("origin").add("main").call()) {
        for (var update : result.getRemoteUpdates()) {
          if (update.getStatus() != org.eclipse.jgit.transport.RemoteRefUpdate.Status.OK) {
            throw new CairnException(
                "cannot seed the demo's Git remote: "
                    + update.getStatus()
                    + " "
                    + update.getMessage());
          }
        }
      }
      return seed;
    }
  }

  public static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path p : files.toList()) {
        String rel = from.relativize(p).toString();
        Path target = to.resolve(rel);
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.createDirectories(target.getParent());
          Files.copy(p, target);
        }
      }
    }
  }
}
