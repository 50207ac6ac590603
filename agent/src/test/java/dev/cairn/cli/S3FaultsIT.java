package dev.cairn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.Json;
import dev.cairn.demo.DemoWorkspace;
import dev.cairn.model.StoreKeys;
import dev.cairn.store.ObjectStore;
import dev.cairn.store.ObjectStores;
import dev.cairn.testing.AgentProcess;
import dev.cairn.testing.S3ProxyServer;
import dev.cairn.testing.SettingsFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * S3 stops at the worst moment: the agent is frozen (SIGSTOP) at a named step, S3Proxy is stopped,
 * the agent goes on against the dead store, and S3Proxy comes back. The run must end SUCCEEDED with
 * its job started once and one results commit.
 */
class S3FaultsIT {
  private static final String CONFIG =
      "EXPERIMENT_NAME=s3-faults\nTRAINER=demo\nSCHEDULER=local\nTASKS=landslide\n"
          + "EPOCHS=1\nCPUS_PER_JOB=1\nNUM_WORKERS=1\nLANDSLIDE_QUALITY_GATE=test/mIoU>=0\n";

  @TempDir Path tmp;
  private S3ProxyServer s3;
  private DemoWorkspace ws;
  private Path settings;

  @BeforeEach
  void setUp() throws Exception {
    s3 = S3ProxyServer.start(tmp.resolve("s3"));
    ws = new DemoWorkspace(tmp.resolve("ws"));
    ws.create();
    settings =
        SettingsFile.s3(
            tmp, s3, "team", ws.origin, "CAIRN_POLL_MIN_SECONDS=1", "CAIRN_POLL_MAX_SECONDS=1");
  }

  @AfterEach
  void tearDown() throws Exception {
    s3.close();
  }

  /**
   * Steps: mid-claim (before the conditional write), mid-upload (after the first output), and
   * mid-status write (before the PUT).
   */
  @ParameterizedTest
  @ValueSource(strings = {"claiming", "dvc-upload", "status-write"})
  void storeStopped_atStep_runEndsOnceWhenItReturns(String step) throws Exception {
    String commit = commitAndSubmit();
    Path log = tmp.resolve("agent.log");
    Map<String, String> env = new HashMap<>(s3.environment());
    env.put("CAIRN_TEST_CRASH_AT", step);
    env.put("CAIRN_TEST_CRASH_SIGNAL", "STOP");
    env.put("JAVA_TOOL_OPTIONS", "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC");
    try (AgentProcess agent =
        AgentProcess.start(log, env, "run", "--until-idle", "--settings", settings.toString())) {
      long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
      while (!Files.readString(log).contains("test crash point " + step + ":1 (SIGSTOP)")) {
        assertTrue(System.nanoTime() < deadline, "never reached " + step + Files.readString(log));
        assertTrue(agent.isAlive(), Files.readString(log));
        Thread.sleep(50);
      }
      s3.stop();
      signal("CONT", agent.pid());
      // the agent meets the dead store at that step and on the ticks after it
      Thread.sleep(3_000);
      s3.start();
      assertEquals(0, agent.waitFor(Duration.ofSeconds(180)), Files.readString(log));
    }
    String out = Files.readString(log);
    if (step.equals("claiming")) {
      // the claim failed, so --until-idle found nothing to wait for; a daemon claims it on a later
      // tick, as the next start does here
      Path again = tmp.resolve("agent-again.log");
      try (AgentProcess agent =
          AgentProcess.start(
              again, s3.environment(), "run", "--until-idle", "--settings", settings.toString())) {
        assertEquals(0, agent.waitFor(Duration.ofSeconds(180)), Files.readString(again));
      }
    }
    assertTrue(out.contains("unavailable") || out.contains("publishing failed, retrying"), out);
    JsonNode status;
    try (ObjectStore store = ObjectStores.open(s3.storeUrl("team"), s3.credentials())) {
      status = Json.MAPPER.readTree(store.get(StoreKeys.statusKey(commit)).orElseThrow().content());
    }
    assertEquals("SUCCEEDED", status.get("state").asText(), status + "\n" + out);
    Path runs = tmp.resolve("state/work/runs");
    try (Stream<Path> dirs = Files.list(runs)) {
      Path run = dirs.findFirst().orElseThrow();
      List<String> starts =
          Files.readAllLines(run.resolve("out/landslide.out")).stream()
              .filter(l -> l.startsWith("cairn: ") && l.contains(" attempt "))
              .toList();
      assertEquals(1, starts.size(), starts.toString());
    }
    try (Git git = Git.open(ws.origin.toFile())) {
      long results = 0;
      for (RevCommit c : git.log().add(git.getRepository().resolve("main")).call()) {
        results += c.getFullMessage().startsWith("Results of ") ? 1 : 0;
      }
      assertEquals(1, results, "one results commit");
    }
  }

  private static void signal(String signal, long pid) throws Exception {
    assertEquals(0, new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).start().waitFor());
  }

  private String commitAndSubmit() throws Exception {
    RevCommit commit;
    try (Git git = Git.open(ws.researcher.toFile())) {
      Files.writeString(ws.researcher.resolve("config/config.env"), CONFIG);
      git.add().addFilepattern("config/config.env").call();
      PersonIdent who = new PersonIdent("Researcher", "r@example.org");
      commit = git.commit().setAuthor(who).setCommitter(who).setMessage("One tiny run").call();
      git.push().setRemote("origin").add("main").call();
    }
    byte[] bytes = Files.readAllBytes(ws.researcher.resolve("config/config.env"));
    s3.queue("team", commit, bytes);
    return commit.getName();
  }
}
