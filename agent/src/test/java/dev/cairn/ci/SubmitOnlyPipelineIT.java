package dev.cairn.ci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.testing.AgentProcess;
import dev.cairn.testing.Fixtures;
import dev.cairn.testing.GitlabCiLocal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ci/.gitlab-ci.yml} with {@code CAIRN_AWAIT=false}, as sites with the agent's GitLab
 * statuses on run it ({@code gitlab-ci-local}): the pipeline submits the config and ends green
 * without an await job, so no runner waits for the run. No agent runs here; the request is in the
 * store for whichever agent watches it.
 */
class SubmitOnlyPipelineIT {
  @TempDir Path tmp;

  @Test
  void submitOnly_endsGreen_withTheRequestInTheStore_andNoAwaitJob() throws Exception {
    GitlabCiLocal gitlab = GitlabCiLocal.ensure(Files.createDirectories(tmp.resolve("home")));
    Path bare = tmp.resolve("experiments.git");
    Fixtures.git(tmp, "init", "-q", "--bare", "-b", "main", bare.toString());
    Path clone = tmp.resolve("researcher");
    Fixtures.git(tmp, "clone", "-q", bare.toUri().toString(), clone.toString());
    Fixtures.git(clone, "checkout", "-q", "-B", "main");
    for (String part : List.of("config", "templates", "ci")) {
      Fixtures.copyTree(Fixtures.projectDir().resolve(part), clone.resolve(part));
    }
    Files.writeString(clone.resolve(".gitignore"), ".gitlab-ci-local/\n.cairn/\n");
    commit(clone, "Set up the experiment");
    String before = Fixtures.git(clone, "rev-parse", "HEAD").strip();
    Path config = clone.resolve("config/config.env");
    Files.writeString(config, Files.readString(config).replaceAll("(?m)^EPOCHS=.*$", "EPOCHS=3"));
    commit(clone, "Three epochs");
    String sha = Fixtures.git(clone, "rev-parse", "HEAD").strip();
    Fixtures.git(clone, "update-ref", "refs/remotes/origin/before", before);
    Fixtures.git(clone, "remote", "set-head", "origin", "before");
    Fixtures.git(
        clone, "remote", "set-url", "origin", "git@gitlab.example.org:geofm/experiments.git");

    assertTrue(
        gitlab.list(clone, Map.of()).log().contains("cairn:await"),
        "by default the pipeline awaits the run");

    Path store = tmp.resolve("store");
    long started = System.nanoTime();
    GitlabCiLocal.Result result =
        gitlab.run(
            clone,
            Map.of(
                "CAIRN_AGENT_JAR", AgentProcess.agentJar().toString(),
                "CAIRN_STORE", store.toUri().toString(),
                "CAIRN_AWAIT", "false"),
            300);
    double seconds = (System.nanoTime() - started) / 1e9;
    System.out.printf("submit-only pipeline took %.1f s%n", seconds);

    assertEquals(0, result.exitCode(), result.log());
    assertTrue(result.log().contains("PASS  cairn:submit"), result.log());
    assertFalse(
        result.log().contains("cairn:await"), "the await job must not run: " + result.log());
    assertTrue(
        Files.isRegularFile(store.resolve("requests/" + sha + "/config.env")),
        "the request is in the store: " + result.log());
  }

  private static void commit(Path clone, String message) throws Exception {
    Fixtures.git(clone, "add", "-A");
    Fixtures.git(
        clone,
        "-c",
        "user.name=Researcher",
        "-c",
        "user.email=r@example.org",
        "commit",
        "-qm",
        message);
  }
}
