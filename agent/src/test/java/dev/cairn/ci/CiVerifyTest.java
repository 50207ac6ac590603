package dev.cairn.ci;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.git.GitAuth;
import dev.cairn.git.GitClone;
import dev.cairn.git.GitTestRepos;
import dev.cairn.model.RunState;
import dev.cairn.model.RunStatus;
import dev.cairn.trigger.RepoMirror;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.lib.ObjectId;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ci await} believes a status only as far as the results commit in Git confirms it. */
class CiVerifyTest {
  static final String RUN_ID = "20261201-x-0123456789ab-a1";
  @TempDir Path tmp;
  private String url;
  private String config;
  private ObjectId results;

  private static String runJson(String commit, String state, int attempt) {
    return "{\"run_id\": \""
        + RUN_ID
        + "\", \"state\": \""
        + state
        + "\", \"config_commit\": \""
        + commit
        + "\", \"attempt\": "
        + attempt
        + "}\n";
  }

  private static String message(String commit, String state) {
    return "Results of " + RUN_ID + ": x\n\nConfig commit: " + commit + "\nRun state: " + state;
  }

  @BeforeEach
  void setUp() throws Exception {
    Path remote =
        GitTestRepos.bareRemote(tmp.resolve("remote.git"), "main", Map.of("README.md", "hi\n"));
    url = remote.toUri().toString();
    Path dev = tmp.resolve("dev");
    config =
        GitTestRepos.commitAndPush(
                url, "main", Map.of("config/config.env", "EPOCHS=1\n"), "One epoch", dev)
            .name();
    results =
        GitTestRepos.commitAndPush(
            url,
            "main",
            Map.of("results/" + RUN_ID + "/run.json", runJson(config, "SUCCEEDED", 1)),
            message(config, "SUCCEEDED"),
            dev);
  }

  private String verify(String commit, String state, int attempt, String resultsCommit) {
    RunStatus status =
        new RunStatus(
            1,
            commit,
            RUN_ID,
            attempt,
            RunState.valueOf(state),
            "m",
            "t",
            List.of(),
            resultsCommit);
    try (GitClone clone = GitClone.open(tmp.resolve("ci.git"), url, GitAuth.none())) {
      return CiVerify.reject(new RepoMirror(clone), status, config, "main");
    }
  }

  @Test
  void verify_passesTheAgentsOwnResultsCommit() {
    assertNull(verify(config, "SUCCEEDED", 1, results.name()));
  }

  @Test
  void verify_failsAForgedSuccessNamingACommitThatExistsNowhere() {
    String why = verify(config, "SUCCEEDED", 1, "ab".repeat(20));
    assertNotNull(why);
    assertTrue(why.contains("is not on branch main"), why);
    assertNotNull(verify(config, "SUCCEEDED", 1, null));
  }

  @Test
  void verify_failsAResultsCommitOnAnotherBranch() throws Exception {
    ObjectId side =
        GitTestRepos.commitAndPush(
            url,
            "forged",
            Map.of("results/" + RUN_ID + "/run.json", runJson(config, "SUCCEEDED", 1)),
            message(config, "SUCCEEDED"),
            tmp.resolve("attacker"));
    assertTrue(verify(config, "SUCCEEDED", 1, side.name()).contains("not on branch"));
  }

  @Test
  void verify_failsAResultsCommitMadeForAnotherConfigCommit() throws Exception {
    ObjectId other =
        GitTestRepos.commitAndPush(
            url,
            "main",
            Map.of("results/" + RUN_ID + "/run.json", runJson("f".repeat(40), "SUCCEEDED", 1)),
            message("f".repeat(40), "SUCCEEDED"),
            tmp.resolve("dev"));
    assertNotNull(verify(config, "SUCCEEDED", 1, other.name()));
    assertNotNull(verify("f".repeat(40), "SUCCEEDED", 1, other.name()), "status of another commit");
  }

  @Test
  void verify_failsWhenTheCommitRecordsAnotherOutcomeOrAttempt() throws Exception {
    ObjectId failed =
        GitTestRepos.commitAndPush(
            url,
            "main",
            Map.of("results/" + RUN_ID + "/run.json", runJson(config, "FAILED", 1)),
            message(config, "FAILED"),
            tmp.resolve("dev"));
    assertTrue(verify(config, "SUCCEEDED", 1, failed.name()).contains("does not record"));
    assertTrue(verify(config, "SUCCEEDED", 2, results.name()).contains("does not record"));
  }
}
