package dev.cairn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.Json;
import dev.cairn.config.ExperimentConfig;
import dev.cairn.demo.DemoWorkspace;
import dev.cairn.model.RunRequest;
import dev.cairn.model.StoreKeys;
import dev.cairn.store.ObjectStore;
import dev.cairn.store.ObjectStores;
import dev.cairn.testing.AgentProcess;
import dev.cairn.testing.S3ProxyServer;
import dev.cairn.testing.SettingsFile;
import dev.cairn.trigger.RequestQueue;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent daemon with a real S3 server (S3Proxy) as trigger and DVC remote: the whole loop, an
 * outage of the store in the middle of a run, and no secret in anything the agent writes.
 */
class S3LoopIT {
  @TempDir Path tmp;
  private S3ProxyServer s3;
  private DemoWorkspace ws;
  private Path settings;
  private Map<String, String> env;

  @BeforeEach
  void setUp() throws Exception {
    s3 = S3ProxyServer.start(tmp.resolve("s3"));
    ws = new DemoWorkspace(tmp.resolve("ws"));
    ws.create();
    settings =
        SettingsFile.s3(
            tmp,
            s3,
            "team/geofm",
            ws.origin,
            "CAIRN_POLL_MIN_SECONDS=1",
            "CAIRN_POLL_MAX_SECONDS=2",
            "CAIRN_LOCAL_MAX_JOBS=3");
    env = new HashMap<>(s3.environment());
  }

  @AfterEach
  void tearDown() throws Exception {
    s3.close();
  }

  /**
   * Commits a config change as a researcher would and submits it as CI would; returns the commit.
   */
  private String commitAndSubmit(String epochs) throws Exception {
    RevCommit commit;
    try (Git git = Git.open(ws.researcher.toFile())) {
      Path config = ws.researcher.resolve("config/config.env");
      Files.writeString(
          config, Files.readString(config).replaceAll("(?m)^EPOCHS=.*$", "EPOCHS=" + epochs));
      git.add().addFilepattern("config/config.env").call();
      PersonIdent who = new PersonIdent("Researcher", "r@example.org");
      commit =
          git.commit()
              .setAuthor(who)
              .setCommitter(who)
              .setMessage("Train for " + epochs + " epochs")
              .call();
      push(git);
    }
    byte[] bytes = Files.readAllBytes(ws.researcher.resolve("config/config.env"));
    try (ObjectStore store = ObjectStores.open(s3.storeUrl("team/geofm"), s3.credentials())) {
      RequestQueue.submit(
          store,
          new RunRequest(
              commit.getName(),
              "main",
              "42",
              "Researcher",
              commit.getShortMessage(),
              Instant.now().toString(),
              ExperimentConfig.sha256(bytes),
              1,
              null),
          bytes);
    }
    return commit.getName();
  }

  private static void push(Git git) throws GitAPIException {
    git.push().setRemote("origin").add("main").call();
  }

  private JsonNode status(String commit) throws Exception {
    try (ObjectStore store = ObjectStores.open(s3.storeUrl("team/geofm"), s3.credentials())) {
      return Json.MAPPER.readTree(store.get(StoreKeys.statusKey(commit)).orElseThrow().content());
    }
  }

  @Test
  void loop_runsWithS3AsTriggerAndDvcRemote_andPullRestoresFromS3() throws Exception {
    String commit = commitAndSubmit("3");
    Path log = tmp.resolve("agent.log");
    try (AgentProcess agent =
        AgentProcess.start(
            log, env, "run", "--until-idle", "--verbose", "--settings", settings.toString())) {
      assertEquals(0, agent.waitFor(Duration.ofSeconds(120)), Files.readString(log));
    }
    JsonNode status = status(commit);
    assertEquals("SUCCEEDED", status.get("state").asText(), status.toString());
    String results = status.get("results_commit").asText();
    try (ObjectStore store = ObjectStores.open(s3.storeUrl("team/geofm"), s3.credentials())) {
      assertFalse(store.list("dvc/files/md5/", null).isEmpty(), "DVC objects in the bucket");
    }
    Path repro = tmp.resolve("repro");
    try (Git git =
        Git.cloneRepository()
            .setURI(ws.origin.toUri().toString())
            .setDirectory(repro.toFile())
            .call()) {
      git.checkout().setName(results).call();
    }
    String dvcConfig = Files.readString(repro.resolve(".dvc/config"));
    assertTrue(
        dvcConfig.contains("url = s3://" + S3ProxyServer.BUCKET + "/team/geofm/dvc"), dvcConfig);
    assertTrue(dvcConfig.contains("endpointurl = " + s3.endpoint()), dvcConfig);
    Map<String, String> pullEnv =
        Map.of(
            "AWS_ACCESS_KEY_ID",
            S3ProxyServer.ACCESS_KEY,
            "AWS_SECRET_ACCESS_KEY",
            S3ProxyServer.SECRET_KEY);
    Path pullLog = tmp.resolve("pull.log");
    try (AgentProcess pull =
        AgentProcess.start(pullLog, pullEnv, "pull", "--repo", repro.toString())) {
      assertEquals(0, pull.waitFor(Duration.ofSeconds(60)), Files.readString(pullLog));
    }
    Path restored;
    try (Stream<Path> dirs = Files.list(repro.resolve("results"))) {
      restored = dirs.findFirst().orElseThrow();
    }
    for (String task : List.of("crop_classification", "landslide", "biomass")) {
      assertTrue(Files.exists(restored.resolve("predictions/" + task + "/metrics.json")));
      assertTrue(Files.exists(restored.resolve("out/" + task + ".out")));
    }
    assertNoSecretIn(log, tmp.resolve("state"), repro);
  }

  @Test
  void outage_storeStoppedMidRun_runCompletesWhenItReturns() throws Exception {
    String commit = commitAndSubmit("60");
    Path log = tmp.resolve("agent.log");
    try (AgentProcess agent =
        AgentProcess.start(log, env, "run", "--settings", settings.toString())) {
      Path jobs = tmp.resolve("state/local-scheduler/jobs");
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (!Files.isDirectory(jobs) || count(jobs, "pid") < 3) {
        assertTrue(System.nanoTime() < deadline, "jobs did not start: " + Files.readString(log));
        Thread.sleep(200);
      }
      s3.stop();
      while (count(jobs, "exit") < 3) {
        assertTrue(
            System.nanoTime() < deadline + Duration.ofSeconds(60).toNanos(), "jobs did not end");
        Thread.sleep(200);
      }
      Thread.sleep(3000);
      s3.start();
      JsonNode status = null;
      while (System.nanoTime() < deadline + Duration.ofSeconds(120).toNanos()) {
        try {
          status = status(commit);
          if (status.get("state").asText().equals("SUCCEEDED")) {
            break;
          }
        } catch (RuntimeException e) {
          // not written yet
        }
        Thread.sleep(500);
      }
      assertEquals("SUCCEEDED", status.get("state").asText(), Files.readString(log));
    }
    String text = Files.readString(log);
    long outages = text.lines().filter(l -> l.contains("object store unavailable")).count();
    assertEquals(1, outages, "one line per outage, not per retry:\n" + text);
    assertTrue(text.contains("object store is back"), text);
    assertNoSecretIn(log, tmp.resolve("state"));
  }

  private static long count(Path jobs, String marker) throws Exception {
    try (Stream<Path> dirs = Files.list(jobs)) {
      return dirs.filter(d -> Files.exists(d.resolve(marker))).count();
    }
  }

  /**
   * Greps every file the agent wrote (logs, state, run folders, scripts, the clone) for the secret.
   */
  private static void assertNoSecretIn(Path... roots) throws Exception {
    for (Path root : roots) {
      List<Path> files;
      try (Stream<Path> walk = Files.walk(root)) {
        files = walk.filter(Files::isRegularFile).toList();
      }
      for (Path f : files) {
        String text = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
        assertFalse(text.contains(S3ProxyServer.SECRET_KEY), "the S3 secret leaked into " + f);
      }
    }
  }
}
