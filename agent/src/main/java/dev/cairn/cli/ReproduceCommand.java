package dev.cairn.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.CairnException;
import dev.cairn.Json;
import dev.cairn.config.ExperimentConfig;
import dev.cairn.store.ObjectStore;
import dev.cairn.trigger.RunRequest;
import dev.cairn.trigger.Submission;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.treewalk.TreeWalk;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code agent.jar reproduce RESULTS_COMMIT}: runs the config a results commit recorded again. */
@Command(
    name = "reproduce",
    mixinStandardHelpOptions = true,
    header = "Run the config a results commit recorded again, as a new attempt.",
    description = {
      "Submit the config recorded in a results commit again, as a new attempt of its config",
      "commit linked to the original run. Run it in a clone of the experiment repository."
    })
final class ReproduceCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin CommonOptions common;

  @Parameters(
      paramLabel = "RESULTS_COMMIT",
      description = "The results commit (sha, tag or branch).")
  String results;

  @Option(
      names = "--repo",
      paramLabel = "DIR",
      defaultValue = ".",
      description = "The clone (default: the current folder).")
  Path repo;

  @Override
  public Integer call() throws Exception {
    var settings = common.load(System.getenv());
    PrintWriter out = spec.commandLine().getOut();
    Recorded recorded = read();
    try (ObjectStore store = Wiring.openStore(settings)) {
      RunRequest asked =
          new RunRequest(
              recorded.commit,
              recorded.branch,
              "reproduce",
              System.getProperty("user.name"),
              "Reproduce " + recorded.runId,
              Clock.systemUTC().instant().toString(),
              ExperimentConfig.sha256(recorded.config),
              null,
              recorded.resultsCommit);
      // a new attempt of the config commit, as `ci submit --rerun`: same config, last attempt ended
      RunRequest request = Submission.submit(store, asked, recorded.config, true).request();
      out.printf(
          "submitted attempt %d of config commit %s (reproducing %s, run %s)%n",
          request.attemptOrFirst(), recorded.commit, recorded.resultsCommit, recorded.runId);
      out.printf("follow it with: agent.jar status %s%n", recorded.commit);
    }
    return 0;
  }

  private record Recorded(
      String runId, String commit, String branch, String resultsCommit, byte[] config) {}

  private Recorded read() throws IOException {
    try (Repository git =
            new FileRepositoryBuilder()
                .findGitDir(repo.toAbsolutePath().toFile())
                .setMustExist(true)
                .build();
        RevWalk walk = new RevWalk(git)) {
      ObjectId id = git.resolve(results);
      if (id == null) {
        throw new CairnException(
            "'" + results + "' is not a commit of this repository; pass a results commit sha");
      }
      RevCommit commit = walk.parseCommit(id);
      String subject = commit.getShortMessage();
      if (!subject.startsWith("Results of ")) {
        throw new CairnException(
            results + " is not a results commit (its subject does not start with 'Results of ')");
      }
      String runId = subject.substring("Results of ".length()).split(":", 2)[0].strip();
      byte[] runJson = file(git, commit, "results/" + runId + "/run.json");
      byte[] config = file(git, commit, "results/" + runId + "/config.env");
      JsonNode run = Json.MAPPER.readTree(runJson);
      return new Recorded(
          runId,
          run.path("config_commit").asText(),
          run.path("branch").asText(),
          commit.name(),
          config);
    }
  }

  private static byte[] file(Repository git, RevCommit commit, String path) throws IOException {
    try (TreeWalk walk = TreeWalk.forPath(git, path, commit.getTree())) {
      if (walk == null) {
        throw new CairnException(commit.name() + " has no " + path);
      }
      return git.open(walk.getObjectId(0)).getBytes();
    }
  }
}
