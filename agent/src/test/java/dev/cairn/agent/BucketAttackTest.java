package dev.cairn.agent;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.Json;
import dev.cairn.config.AgentSettings;
import dev.cairn.config.ExperimentConfig;
import dev.cairn.dvc.DvcConfig;
import dev.cairn.git.GitAuth;
import dev.cairn.git.GitClone;
import dev.cairn.git.GitPublisher;
import dev.cairn.git.GitTestRepos;
import dev.cairn.model.RunRequest;
import dev.cairn.model.StoreKeys;
import dev.cairn.publish.ResultsPublisher;
import dev.cairn.render.ScriptRenderer;
import dev.cairn.render.Site;
import dev.cairn.render.TemplateSet;
import dev.cairn.scheduler.ExecCommandRunner;
import dev.cairn.scheduler.Schedulers;
import dev.cairn.store.FileObjectStore;
import dev.cairn.testing.Fixtures;
import dev.cairn.testing.LocalJobs;
import dev.cairn.testing.LogCapture;
import dev.cairn.trigger.ProvenanceCheck;
import dev.cairn.trigger.RepoMirror;
import dev.cairn.trigger.RequestQueue;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The attacks of someone who can write the bucket but not push to the repository, replayed against
 * the loop with provenance and publishing on: each leaves the loop ticking, the real run intact and
 * publishing, and the results commit free of the attacker's text.
 */
class BucketAttackTest {
  static final String CONFIG =
      "EXPERIMENT_NAME=attack\nTRAINER=demo\nSCHEDULER=local\nTASKS=crop_classification\n"
          + "EPOCHS=3\nTIME_LIMIT=5\n";
  static final String SUBJECT = "Three epochs of crop classification";
  @TempDir Path tmp;
  private FileObjectStore store;
  private AgentSettings settings;
  private Schedulers schedulers;
  private Path remote;
  private GitClone clone;
  private String commit;

  @BeforeEach
  void setUp() throws Exception {
    store = new FileObjectStore(tmp.resolve("store"));
    settings =
        AgentSettings.load(
            null,
            Map.of(
                "CAIRN_STORE",
                store.describe(),
                "CAIRN_STATE_DIR",
                tmp.resolve("state").toString()));
    remote = GitTestRepos.bareRemote(tmp.resolve("remote.git"), "main", Map.of("README", "x\n"));
    commit =
        GitTestRepos.commitAndPush(
                remote.toUri().toString(),
                "main",
                Map.of("config/config.env", CONFIG),
                SUBJECT + "\n\nbody",
                tmp.resolve("dev"))
            .name();
  }

  @AfterEach
  void tearDown() throws Exception {
    if (schedulers != null) {
      schedulers.close();
    }
    LocalJobs.awaitEnded(tmp, Duration.ofSeconds(15));
    if (clone != null) {
      clone.close();
    }
  }

  private Agent newAgent() throws Exception {
    if (schedulers != null) {
      schedulers.close();
    }
    if (clone == null) {
      clone = GitClone.open(tmp.resolve("clone"), remote.toUri().toString(), GitAuth.none());
    }
    schedulers = new Schedulers(settings, Clock.systemUTC(), new ExecCommandRunner());
    TemplateSet templates =
        TemplateSet.fromDirectory(
            Fixtures.projectDir().resolve("agent/src/test/resources/loop-templates"));
    ScriptRenderer renderer = new ScriptRenderer(templates, new Site("", "unused.jar", "", "test"));
    ResultsPublisher publisher =
        new ResultsPublisher(
            store,
            new DvcConfig.Remote("cairn", DvcConfig.fileUrl(store.root(), "dvc"), null),
            new GitPublisher(clone, "Cairn agent", "agent@example.org"),
            "main",
            "test",
            Map.of(),
            null);
    return new Agent(
        AgentParts.of(settings, store, schedulers, renderer, Clock.systemUTC())
            .withGit(new ProvenanceCheck(new RepoMirror(clone), List.of("main")), publisher, null));
  }

  private static RunRequest request(String commit, String message, String author, int attempt) {
    return new RunRequest(
        commit,
        "main",
        "77",
        author,
        message,
        Instant.now().toString(),
        ExperimentConfig.sha256(CONFIG.getBytes(UTF_8)),
        attempt,
        null);
  }

  private void submit(RunRequest request, String config) throws Exception {
    RequestQueue.submit(store, request, config.getBytes(UTF_8));
  }

  private static void runUntilIdle(Agent agent) throws Exception {
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> !agent.tick());
  }

  private JsonNode status(String sha) throws Exception {
    return Json.MAPPER.readTree(store.get(StoreKeys.statusKey(sha)).orElseThrow().content());
  }

  private String resultsFile(JsonNode status, String name) throws Exception {
    return GitTestRepos.read(
        remote,
        ObjectId.fromString(status.get("results_commit").asText()),
        "results/" + status.get("run_id").asText() + "/" + name);
  }

  /** A commit id that shares the real one's first 12 hex digits and exists nowhere. */
  private String lookalike() {
    String tail = commit.substring(12).replace('a', 'x').replace('0', 'a').replace('x', '0');
    return commit.substring(0, 12) + (tail.equals(commit.substring(12)) ? "f".repeat(28) : tail);
  }

  @Test
  void forgedRequestText_neverReachesTheResultsCommit() throws Exception {
    RunRequest forged =
        new RunRequest(
            commit,
            "main",
            "77",
            "Eve\nSigned-off-by: Root <root@example.org>",
            "Forged subject\n\n<img src=x onerror=alert(1)> **[click](http://evil)**",
            "2001-02-03T04:05:06Z",
            ExperimentConfig.sha256(CONFIG.getBytes(UTF_8)),
            1,
            null);
    submit(forged, CONFIG);
    runUntilIdle(newAgent());
    JsonNode status = status(commit);
    assertEquals("SUCCEEDED", status.get("state").asText(), status.toString());
    String day = DateTimeFormatter.BASIC_ISO_DATE.withZone(ZoneOffset.UTC).format(Instant.now());
    assertTrue(status.get("run_id").asText().startsWith(day.substring(0, 8) + "-attack-"));
    assertTrue(status.get("run_id").asText().endsWith(commit.substring(0, 12) + "-a1"));
    RevCommit results = GitTestRepos.head(remote, "main");
    assertEquals(status.get("results_commit").asText(), results.name());
    assertTrue(results.getShortMessage().endsWith(": " + SUBJECT), results.getShortMessage());
    String everything =
        results.getFullMessage()
            + resultsFile(status, "summary.md")
            + resultsFile(status, "run.json");
    for (String attackerText :
        List.of(
            "Forged", "<img", "onerror", "evil", "Eve", "Signed-off-by", "2001-02-03", "\"77\"")) {
      assertFalse(everything.contains(attackerText), attackerText + " in:\n" + everything);
    }
    JsonNode run = Json.MAPPER.readTree(resultsFile(status, "run.json"));
    assertEquals("Dev", run.get("author").asText());
    assertEquals(commit, run.get("config_commit").asText());
  }

  @Test
  void lookalikeCommit_cannotTakeOverTheRealRun() throws Exception {
    submit(request(commit, "real", "A", 1), CONFIG);
    Agent agent = newAgent();
    agent.tick();
    agent.tick();
    Run real = agent.runs().values().iterator().next();
    Path realConfig = Path.of(real.runDir()).resolve("config.env");
    byte[] before = Files.readAllBytes(realConfig);
    String fake = lookalike();
    submit(request(fake, "forged", "Eve", 1), CONFIG.replace("EPOCHS=3", "EPOCHS=1"));
    runUntilIdle(agent);
    assertEquals(2, agent.runs().size(), agent.runs().keySet().toString());
    assertArrayEquals(before, Files.readAllBytes(realConfig));
    JsonNode status = status(commit);
    assertEquals("SUCCEEDED", status.get("state").asText(), status.toString());
    assertNotNull(status.get("results_commit"));
    JsonNode forged = status(fake);
    assertEquals("REJECTED", forged.get("state").asText());
    assertTrue(forged.get("message").asText().contains("is not on branch main"));
    assertTrue(Files.exists(settings.stateDir().resolve("runs/" + commit + "-a1.json")));
  }

  @Test
  void commitThatExistsNowhere_withAnOverflowingTimeLimit_isRejectedAndTheLoopGoesOn()
      throws Exception {
    String nowhere = "ab".repeat(20);
    submit(
        request(nowhere, "x", "x", 1),
        CONFIG.replace("TIME_LIMIT=5", "TIME_LIMIT=999999999999999999"));
    Agent agent = newAgent();
    agent.tick();
    assertEquals("REJECTED", status(nowhere).get("state").asText());
    submit(request(commit, "real", "A", 1), CONFIG);
    runUntilIdle(agent);
    assertEquals("SUCCEEDED", status(commit).get("state").asText());
  }

  @Test
  void queueEntryWithoutSubmittedAt_isIgnoredAndTheLoopGoesOn() throws Exception {
    String bad = "{\"commit\": \"" + commit + "\", \"branch\": \"main\", \"attempt\": 1}";
    store.put(StoreKeys.configKey(commit), CONFIG.getBytes(UTF_8));
    store.put("queue/" + "29991231T000000.000Z-" + commit + "-a1", bad.getBytes(UTF_8));
    Agent agent = newAgent();
    try (LogCapture log = new LogCapture()) {
      agent.tick();
      agent.tick();
      assertEquals(
          1, log.lines().stream().filter(l -> l.contains("submitted_at is missing")).count());
    }
    assertTrue(agent.runs().isEmpty());
    submit(request(commit, "real", "A", 1), CONFIG);
    runUntilIdle(agent);
    assertEquals("SUCCEEDED", status(commit).get("state").asText());
  }

  @Test
  void runRecordWithoutSubmittedAt_fromAnOlderAgent_doesNotStopTheLoop() throws Exception {
    submit(request(commit, "real", "A", 1), CONFIG);
    Agent first = newAgent();
    first.tick();
    Run run = first.runs().values().iterator().next();
    Runs.storedWith(
        settings.stateDir(),
        run,
        new RunRequest(
            commit, "main", null, null, null, null, run.request().configSha256(), 1, null));
    Agent second = newAgent();
    runUntilIdle(second);
    assertEquals("SUCCEEDED", status(commit).get("state").asText());
  }

  @Test
  void oversizedConfig_isNotReadAndTheLoopGoesOn() throws Exception {
    String big = CONFIG + ("# " + "x".repeat(1000) + "\n").repeat(1100);
    submit(request(commit, "real", "A", 1), big);
    Agent agent = newAgent();
    try (LogCapture log = new LogCapture()) {
      agent.tick();
      agent.tick();
      assertEquals(
          1,
          log.lines().stream().filter(l -> l.contains("larger than 65536 bytes")).count(),
          log.lines().toString());
    }
    assertTrue(agent.runs().isEmpty());
  }

  @Test
  void laterAttemptOfAnOldCommit_runsOnlyAfterTheAttemptBeforeIt() throws Exception {
    submit(request(commit, "forged rerun", "Eve", 5), CONFIG);
    Agent agent = newAgent();
    agent.tick();
    assertTrue(agent.runs().isEmpty(), agent.runs().keySet().toString());
    submit(request(commit, "real", "A", 1), CONFIG);
    runUntilIdle(agent);
    submit(request(commit, "rerun", "A", 2), CONFIG);
    runUntilIdle(agent);
    assertEquals(2, agent.runs().size(), agent.runs().keySet().toString());
    assertEquals(2, status(commit).get("attempt").asInt());
  }

  @Test
  void queueKeyWithALineBreak_cannotForgeALogLine() throws Exception {
    store.put("queue/20260101T000000.000Z-x\nERROR forged line", "{}".getBytes(UTF_8));
    Agent agent = newAgent();
    try (LogCapture log = new LogCapture()) {
      agent.tick();
      assertTrue(log.lines().stream().anyMatch(l -> l.contains("x\\nERROR forged line")));
      assertTrue(log.lines().stream().noneMatch(l -> l.contains("\n")), log.lines().toString());
    }
  }
}
