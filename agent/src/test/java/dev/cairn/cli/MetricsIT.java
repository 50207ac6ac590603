package dev.cairn.cli;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.Json;
import dev.cairn.demo.DemoWorkspace;
import dev.cairn.model.StoreKeys;
import dev.cairn.store.ObjectStore;
import dev.cairn.store.ObjectStores;
import dev.cairn.testing.AgentProcess;
import dev.cairn.testing.PrometheusServer;
import dev.cairn.testing.S3ProxyServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon watched as operators watch it: a real Prometheus scrapes {@code /metrics} while a run
 * goes through, and {@code /readyz} turns unready while the object store (S3Proxy) is down.
 */
class MetricsIT {
  @TempDir Path tmp;
  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void prometheusScrapesTheRun_andReadyzFollowsTheStore() throws Exception {
    int port = PrometheusServer.freePort();
    String address = "127.0.0.1:" + port;
    try (S3ProxyServer s3 = S3ProxyServer.start(tmp.resolve("s3"))) {
      DemoWorkspace ws = new DemoWorkspace(tmp.resolve("ws"));
      ws.create();
      Path settings = tmp.resolve("agent.env");
      Files.writeString(
          settings,
          String.join(
              "\n",
              s3.agentSettings("watched").strip(),
              "CAIRN_STATE_DIR=" + tmp.resolve("state"),
              "CAIRN_REPO_REMOTE=" + ws.origin.toUri(),
              "CAIRN_POLL_MIN_SECONDS=1",
              "CAIRN_POLL_MAX_SECONDS=2",
              "CAIRN_LOCAL_MAX_JOBS=3",
              "CAIRN_HTTP_ADDRESS=" + address,
              ""));
      Path log = tmp.resolve("agent.log");
      try (AgentProcess agent =
              AgentProcess.start(log, s3.environment(), "run", "--settings", settings.toString());
          PrometheusServer prometheus =
              PrometheusServer.start(tmp.resolve("prometheus"), address)) {
        await("/healthz answers 200, agent log: " + log)
            .atMost(Duration.ofSeconds(60))
            .pollInterval(Duration.ofMillis(250))
            .ignoreExceptions()
            .until(() -> get(port, "/healthz").statusCode() == 200);
        String commit = submit(s3, ws);
        await("the run succeeds, agent log: " + log)
            .atMost(Duration.ofSeconds(120))
            .pollInterval(Duration.ofMillis(500))
            .ignoreExceptions()
            .until(() -> "SUCCEEDED".equals(status(s3, commit).path("state").asText()));

        await("Prometheus has the run's counters")
            .atMost(Duration.ofSeconds(30))
            .pollInterval(Duration.ofMillis(500))
            .until(
                () ->
                    prometheus.query("cairn_runs_finished_total{result=\"SUCCEEDED\"}") == 1
                        && prometheus.query("cairn_jobs_ended_total{state=\"COMPLETED\"}") == 3);
        assertEquals(3, prometheus.query("cairn_job_attempts_total{scheduler=\"local\"}"));
        assertEquals(1, prometheus.query("cairn_last_run_result{result=\"SUCCEEDED\"}"));
        assertEquals(0, prometheus.query("cairn_last_run_result{result=\"FAILED\"}"));
        assertEquals(1, prometheus.query("cairn_runs{state=\"SUCCEEDED\"}"));
        assertEquals(1, prometheus.query("cairn_run_duration_seconds_count{result=\"SUCCEEDED\"}"));
        assertEquals(1, prometheus.query("cairn_publish_total{outcome=\"ok\"}"));
        assertTrue(prometheus.query("cairn_publish_uploaded_bytes_total") > 0);
        assertTrue(prometheus.query("cairn_tick_duration_seconds_count") > 0);
        assertTrue(prometheus.query("cairn_store_requests_total{operation=\"list\"}") > 0);
        assertTrue(prometheus.query("cairn_seconds_since_last_successful_poll") < 30);
        assertTrue(prometheus.query("jvm_memory_used_bytes") > 0);

        HttpResponse<String> ready = get(port, "/readyz");
        assertEquals(200, ready.statusCode(), ready.body());
        s3.stop();
        await("/readyz turns unready without the store")
            .atMost(Duration.ofSeconds(60))
            .pollInterval(Duration.ofMillis(500))
            .until(() -> get(port, "/readyz").statusCode() == 503);
        JsonNode unready = Json.MAPPER.readTree(get(port, "/readyz").body());
        assertEquals("unready", unready.get("status").asText(), unready.toString());
        assertTrue(!unready.at("/checks/store/ok").asBoolean(), unready.toString());
        assertTrue(unready.at("/checks/git/ok").asBoolean(), unready.toString());
        assertEquals(200, get(port, "/healthz").statusCode(), "the loop goes on without the store");
        s3.start();
        await("/readyz is ready again once the store is back")
            .atMost(Duration.ofSeconds(60))
            .pollInterval(Duration.ofMillis(500))
            .ignoreExceptions()
            .until(() -> get(port, "/readyz").statusCode() == 200);
        agent.terminate(Duration.ofSeconds(30));
      }
    }
  }

  private HttpResponse<String> get(int port, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(15))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode status(S3ProxyServer s3, String commit) throws IOException {
    try (ObjectStore store = ObjectStores.open(s3.storeUrl("watched"), s3.credentials())) {
      return Json.MAPPER.readTree(store.get(StoreKeys.statusKey(commit)).orElseThrow().content());
    }
  }

  /** Commits a shorter config as a researcher would and submits it as CI would. */
  private static String submit(S3ProxyServer s3, DemoWorkspace ws) throws Exception {
    Path config = ws.researcher.resolve("config/config.env");
    Files.writeString(config, Files.readString(config).replaceAll("(?m)^EPOCHS=.*$", "EPOCHS=2"));
    RevCommit commit;
    try (Git git = Git.open(ws.researcher.toFile())) {
      git.add().addFilepattern("config/config.env").call();
      PersonIdent who = new PersonIdent("Researcher", "r@example.org");
      commit = git.commit().setAuthor(who).setCommitter(who).setMessage("Two epochs").call();
      git.push().setRemote("origin").add("main").call();
    }
    byte[] bytes = Files.readAllBytes(config);
    s3.queue("watched", commit, bytes);
    return commit.getName();
  }
}
