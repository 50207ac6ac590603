package dev.cairn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.testing.AgentProcess;
import dev.cairn.testing.Fixtures;
import dev.cairn.testing.GitlabServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent, as a process, reporting demo runs to a server written from GitLab's API docs (no real
 * GitLab runs here): pending, running, success per commit and one merge-request note that later
 * runs update; a failed run's reason; a post that survives {@code kill -9}; and a run that GitLab's
 * absence neither stalls nor fails.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GitlabResultsIT {
  static final String TOKEN = "glpat-it-secret-4f1d9c";
  static final long MR = 3;

  @TempDir static Path tmp;
  static Path ws;
  static GitlabServer gitlab;
  static int commits;

  @BeforeAll
  static void workspace() throws Exception {
    gitlab = new GitlabServer(TOKEN, "42", "group/project").withMergeRequests(MR);
    ws = tmp.resolve("ws");
    Path log = tmp.resolve("demo.log");
    try (AgentProcess demo =
        AgentProcess.start(log, Map.of(), "demo", "--workspace", ws.toString())) {
      assertEquals(0, demo.waitFor(Duration.ofSeconds(180)), Files.readString(log));
    }
  }

  @AfterAll
  static void stop() {
    gitlab.close();
  }

  static Map<String, String> env(String gitlabUrl) {
    Map<String, String> env = new HashMap<>();
    env.put("CAIRN_STORE", ws.resolve("store").toUri().toString());
    env.put("CAIRN_STATE_DIR", ws.resolve("agent").toString());
    env.put("CAIRN_REPO_DIR", ws.resolve("agent/repo").toString());
    env.put("CAIRN_REPO_REMOTE", ws.resolve("origin.git").toUri().toString());
    env.put("CAIRN_POLL_MIN_SECONDS", "1");
    env.put("CAIRN_POLL_MAX_SECONDS", "2");
    env.put("CAIRN_GITLAB_URL", gitlabUrl);
    env.put("CAIRN_GITLAB_PROJECT", "group/project");
    env.put("CAIRN_GITLAB_TOKEN", TOKEN);
    return env;
  }

  /** Commits a config change as a researcher would and submits it as CI does; its sha. */
  static String commitAndSubmit(String key, String value) throws Exception {
    Path researcher = ws.resolve("researcher");
    Fixtures.git(researcher, "pull", "-q", "--rebase", "origin", "main");
    Path config = researcher.resolve("config/config.env");
    String text = Files.readString(config).replaceAll("(?m)^EPOCHS=.*$", "EPOCHS=10");
    text =
        text.matches("(?s).*(?m)^" + key + "=.*")
            ? text.replaceAll("(?m)^" + key + "=.*$", key + "=" + value)
            : text + "\n" + key + "=" + value + "\n";
    Files.writeString(config, text);
    commits++;
    Fixtures.git(
        researcher,
        "-c",
        "user.name=Researcher",
        "-c",
        "user.email=r@example.org",
        "commit",
        "-qam",
        "Try " + key + "=" + value + " (" + commits + ")");
    Fixtures.git(researcher, "push", "-q", "origin", "main");
    String sha = Fixtures.git(researcher, "rev-parse", "HEAD").strip();
    Path log = tmp.resolve("submit-" + commits + ".log");
    try (AgentProcess submit =
        AgentProcess.start(
            log,
            env(gitlab.url().toString()),
            "ci",
            "submit",
            "--commit",
            sha,
            "--branch",
            "main",
            "--config",
            config.toString(),
            "--templates",
            researcher.resolve("templates").toString(),
            "--dotenv",
            log.resolveSibling("cairn-submit.env").toString())) {
      assertEquals(0, submit.waitFor(Duration.ofSeconds(60)), Files.readString(log));
    }
    return sha;
  }

  static String runAgent(String name, Map<String, String> env, int expectedExit) throws Exception {
    Path log = tmp.resolve(name + ".log");
    try (AgentProcess agent = AgentProcess.start(log, env, "run", "--until-idle")) {
      assertEquals(expectedExit, agent.waitFor(Duration.ofSeconds(180)), Files.readString(log));
    }
    return Files.readString(log);
  }

  static List<GitlabServer.Note> cairnNotes() {
    return gitlab.notes().stream().filter(n -> n.body().startsWith("<!-- cairn:")).toList();
  }

  static JsonNode last(String sha) {
    List<JsonNode> mine =
        gitlab.statuses().stream().filter(s -> s.path("sha").asText().equals(sha)).toList();
    return mine.get(mine.size() - 1);
  }

  @Test
  @Order(1)
  void demoRun_givesPendingRunningSuccess_andOneNoteWithItsReport() throws Exception {
    String sha = commitAndSubmit("LEARNING_RATE", "1e-2");
    String log = runAgent("first", env(gitlab.url().toString()), 0);
    assertEquals(List.of("pending", "running", "success"), gitlab.states(sha, "cairn"), log);
    JsonNode end = last(sha);
    assertEquals(
        "3 of 3 task(s) completed and met their quality gates", end.path("description").asText());
    assertTrue(
        end.path("target_url")
            .asText()
            .matches(gitlab.url() + "/group/project/-/blob/[0-9a-f]{40}/results/.*/report\\.md"),
        end.toString());
    List<GitlabServer.Note> notes = cairnNotes();
    assertEquals(1, notes.size());
    String body = notes.get(0).body();
    assertTrue(body.contains("### Cairn: SUCCEEDED"), body);
    assertTrue(body.contains("## Leaderboard"), body);
    assertTrue(
        body.matches("(?s).*\\]\\(/uploads/[0-9a-f]{32}/curves-crop_classification\\.png\\).*"),
        body);
    assertFalse(body.contains("](charts/"), body);
  }

  @Test
  @Order(2)
  void secondRun_updatesTheSameNote() throws Exception {
    String sha = commitAndSubmit("LEARNING_RATE", "2e-2");
    long noteId = cairnNotes().get(0).id();
    runAgent("second", env(gitlab.url().toString()), 0);
    assertEquals(List.of("pending", "running", "success"), gitlab.states(sha, "cairn"));
    List<GitlabServer.Note> notes = cairnNotes();
    assertEquals(1, notes.size(), "updated, not a second note");
    assertEquals(noteId, notes.get(0).id());
    assertTrue(notes.get(0).body().contains(sha.substring(0, 8)), notes.get(0).body());
    long created =
        gitlab.requests().stream()
            .filter(r -> r.method().equals("POST") && r.path().endsWith("/notes"))
            .count();
    assertEquals(1, created);
  }

  @Test
  @Order(3)
  void failedRun_givesFailedWithTheReason() throws Exception {
    String sha = commitAndSubmit("CROP_QUALITY_GATE", "test/mIoU>=0.999");
    runAgent("failed", env(gitlab.url().toString()), 0);
    assertEquals("failed", last(sha).path("status").asText());
    String why = last(sha).path("description").asText();
    assertTrue(why.contains("crop_classification") && why.contains("0.999"), why);
    assertTrue(cairnNotes().get(0).body().contains("### Cairn: FAILED"));
  }

  @Test
  @Order(4)
  void killedBetweenTheRunsEndAndItsPost_postsItAfterTheRestart_once() throws Exception {
    String sha = commitAndSubmit("CROP_QUALITY_GATE", "test/mIoU>=0.30");
    Map<String, String> crash = env(gitlab.url().toString());
    crash.put("CAIRN_TEST_CRASH_AT", "gitlab-final-status");
    String log = runAgent("killed", crash, 137);
    assertTrue(log.contains("test crash point gitlab-final-status"), log);
    assertEquals(List.of("pending", "running"), gitlab.states(sha, "cairn"));
    runAgent("restarted", env(gitlab.url().toString()), 0);
    assertEquals(List.of("pending", "running", "success"), gitlab.states(sha, "cairn"));
  }

  @Test
  @Order(5)
  void gitlabDown_neitherStallsNorFailsTheRun_andTheStateIsPostedWhenItIsBack() throws Exception {
    String sha = commitAndSubmit("LEARNING_RATE", "4e-2");
    // nothing listens there: every request is refused
    long started = System.nanoTime();
    String log = runAgent("down", env("http://127.0.0.1:9"), 0);
    assertTrue(log.contains("SUCCEEDED"), log);
    assertTrue(
        Duration.ofNanos(System.nanoTime() - started).compareTo(Duration.ofSeconds(120)) < 0);
    assertEquals(List.of(), gitlab.states(sha, "cairn"));
    runAgent("back", env(gitlab.url().toString()), 0);
    assertEquals(List.of("success"), gitlab.states(sha, "cairn"), "the latest state wins");
  }

  @Test
  @Order(6)
  void theToken_isInNoLogAndNoFileTheAgentWrote() throws Exception {
    try (Stream<Path> files = Stream.concat(Files.walk(ws), Files.walk(tmp))) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        String text =
            new String(Files.readAllBytes(f), java.nio.charset.StandardCharsets.ISO_8859_1);
        assertFalse(text.contains(TOKEN), "the GitLab token leaked into " + f);
      }
    }
  }
}
