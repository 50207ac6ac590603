package dev.cairn.results;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.CairnException;
import dev.cairn.Json;
import dev.cairn.NotFoundException;
import dev.cairn.model.StoreKeys;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.jspecify.annotations.Nullable;

/**
 * A results commit read from a clone: its run id (from the subject, {@code Results of <run-id>:
 * ...}), the config commit and branch its {@code run.json} names, the config that ran, and any
 * other file of the commit.
 *
 * @param sha the results commit's full sha
 */
public record ResultsCommit(String runId, String sha, JsonNode run, byte[] config, Path repo) {

  /** The results commit {@code rev} (a sha, tag or branch) of the clone at {@code repo}. */
  public static ResultsCommit read(Path repo, String rev) throws IOException {
    try (Repository git = open(repo);
        RevWalk walk = new RevWalk(git)) {
      ObjectId id = git.resolve(rev);
      if (id == null) {
        throw new NotFoundException(
            "'" + rev + "' is not a commit of this repository; pass a results commit sha");
      }
      RevCommit commit = walk.parseCommit(id);
      String subject = commit.getShortMessage();
      if (!subject.startsWith("Results of ")) {
        throw new CairnException(
            rev + " is not a results commit (its subject does not start with 'Results of ')");
      }
      String runId = subject.substring("Results of ".length()).split(":", 2)[0].strip();
      byte[] runJson = file(git, commit, StoreKeys.resultsDir(runId) + "/run.json");
      byte[] config = file(git, commit, StoreKeys.resultsDir(runId) + "/config.env");
      if (runJson == null || config == null) {
        throw new CairnException(
            commit.name() + " has no results/" + runId + "/run.json and config.env");
      }
      return new ResultsCommit(
          runId, commit.name(), Json.MAPPER.readTree(runJson), config, repo.toAbsolutePath());
    }
  }

  /** The config commit the run ran. */
  public String configCommit() {
    return run.path("config_commit").asText();
  }

  public String branch() {
    return run.path("branch").asText();
  }

  /** A file of the results commit as text, or null where it has none. */
  public @Nullable String text(String path) throws IOException {
    try (Repository git = open(repo);
        RevWalk walk = new RevWalk(git)) {
      byte[] bytes = file(git, walk.parseCommit(ObjectId.fromString(sha)), path);
      return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }
  }

  private static Repository open(Path repo) throws IOException {
    return WorkingClone.open(
        repo, "run it in a clone of the experiment repository, or pass --repo with one");
  }

  private static byte @Nullable [] file(Repository git, RevCommit commit, String path)
      throws IOException {
    try (TreeWalk walk = TreeWalk.forPath(git, path, commit.getTree())) {
      return walk == null ? null : git.open(walk.getObjectId(0)).getBytes();
    }
  }
}
