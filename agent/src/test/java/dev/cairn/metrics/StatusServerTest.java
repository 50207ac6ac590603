package dev.cairn.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.Json;
import dev.cairn.scheduler.CommandRunner;
import dev.cairn.store.FileObjectStore;
import dev.cairn.testing.ManualClock;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** /metrics, /healthz and /readyz on a loopback port, fed by the decorators. */
class StatusServerTest {
  @TempDir Path tmp;
  private final HttpClient http = HttpClient.newHttpClient();

  private HttpResponse<String> get(StatusServer server, String path) throws Exception {
    URI uri = URI.create("http://127.0.0.1:" + server.address().getPort() + path);
    return http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void metrics_countStoreCallsAndCommandsWithBoundedLabels() throws Exception {
    PrometheusMetrics metrics = new PrometheusMetrics(Clock.systemUTC());
    try (MeteredObjectStore store = new MeteredObjectStore(new FileObjectStore(tmp), metrics);
        StatusServer server =
            StatusServer.start(
                "127.0.0.1:0",
                metrics,
                new Health(
                    metrics,
                    Duration.ofSeconds(30),
                    Duration.ZERO,
                    Duration.ofSeconds(5),
                    Map.of()))) {
      store.put("runs/abc/status.json", "{}".getBytes(StandardCharsets.UTF_8));
      store.get("runs/abc/status.json");
      store.get("runs/missing");
      store.getIfChanged("runs/abc/status.json", "other-etag", 1024);
      CommandRunner fake = call -> new CommandRunner.Result(call.command(), 1, "", "no");
      new MeteredCommandRunner(fake, metrics)
          .run(List.of("/opt/slurm/bin/squeue", "-j", "4711"), Duration.ofSeconds(1));
      metrics.jobEnded("local", "COMPLETED");
      String text = get(server, "/metrics").body();
      assertTrue(
          text.contains("cairn_store_requests_total{operation=\"put\",outcome=\"ok\"}"), text);
      assertTrue(
          text.contains("cairn_store_requests_total{operation=\"get\",outcome=\"ok\"}"), text);
      assertTrue(
          text.contains(
              "cairn_scheduler_commands_total{command=\"squeue\",outcome=\"exit_nonzero\"}"),
          text);
      assertTrue(text.contains("cairn_store_bytes_total{direction=\"upload\"}"), text);
      assertTrue(text.contains("cairn_store_bytes_total{direction=\"download\"}"), text);
      assertTrue(
          text.contains("cairn_store_requests_total{operation=\"get_if_changed\",outcome=\"ok\"}"),
          text);
      assertTrue(
          text.contains("cairn_jobs_ended_total{scheduler=\"local\",state=\"COMPLETED\"}"), text);
      assertTrue(text.contains("jvm_memory_used_bytes"), text);
      // in label values only: a sample's value may hold the digits 4711 (6.4711168E7 bytes)
      assertFalse(
          text.lines().anyMatch(l -> l.matches(".*\\{[^}]*(abc|4711)[^}]*\\}.*")),
          "no ids in labels:\n" + text);
    }
  }

  @Test
  void metrics_countTrialsEarlyStoppingStopped_andEachRunsHoursSaved() throws Exception {
    PrometheusMetrics metrics = new PrometheusMetrics(Clock.systemUTC());
    try (StatusServer server =
        StatusServer.start(
            "127.0.0.1:0",
            metrics,
            new Health(
                metrics, Duration.ofSeconds(30), Duration.ZERO, Duration.ofSeconds(5), Map.of()))) {
      metrics.trialStopped("landslide");
      metrics.trialStopped("landslide");
      metrics.earlyStops(Map.of("r1", 2L), Map.of("r1", 0.5));
      String text = get(server, "/metrics").body();
      assertTrue(text.contains("cairn_trials_stopped_total{task=\"landslide\"} 2.0"), text);
      assertTrue(text.contains("cairn_run_trials_stopped{run_id=\"r1\"} 2.0"), text);
      assertTrue(text.contains("cairn_run_training_hours_saved{run_id=\"r1\"} 0.5"), text);
      // a run no longer on record leaves the gauges
      metrics.earlyStops(Map.of(), Map.of());
      String later = get(server, "/metrics").body();
      assertFalse(later.contains("run_id=\"r1\""), later);
      assertTrue(later.contains("cairn_trials_stopped_total{task=\"landslide\"} 2.0"), later);
    }
  }

  @Test
  void readyz_saysWhichCheckFails_andRecovers() throws Exception {
    AtomicReference<String> storeProblem = new AtomicReference<>("connection refused");
    Map<String, Health.Check> checks = new LinkedHashMap<>();
    checks.put("store", storeProblem::get);
    checks.put(
        "git",
        () -> {
          return null;
        });
    PrometheusMetrics metrics = new PrometheusMetrics(Clock.systemUTC());
    try (StatusServer server =
        StatusServer.start(
            "127.0.0.1:0",
            metrics,
            new Health(
                metrics, Duration.ofSeconds(30), Duration.ZERO, Duration.ofSeconds(5), checks))) {
      HttpResponse<String> unready = get(server, "/readyz");
      assertEquals(503, unready.statusCode());
      JsonNode body = Json.MAPPER.readTree(unready.body());
      assertEquals("unready", body.get("status").asText());
      assertEquals("connection refused", body.at("/checks/store/problem").asText(), unready.body());
      assertTrue(body.at("/checks/git/ok").asBoolean(), unready.body());
      storeProblem.set(null);
      HttpResponse<String> ready = get(server, "/readyz");
      assertEquals(200, ready.statusCode(), ready.body());
      assertEquals("ready", Json.MAPPER.readTree(ready.body()).get("status").asText());
    }
  }

  @Test
  void healthz_isLiveAfterATick_andUnhealthyWhenTheLoopStalls() throws Exception {
    ManualClock clock = new ManualClock(Instant.parse("2026-12-07T02:00:00Z"));
    PrometheusMetrics metrics = new PrometheusMetrics(clock);
    try (StatusServer server =
        StatusServer.start(
            "127.0.0.1:0",
            metrics,
            new Health(
                metrics, Duration.ofSeconds(30), Duration.ZERO, Duration.ofSeconds(5), Map.of()))) {
      metrics.tick(System.nanoTime());
      HttpResponse<String> ok = get(server, "/healthz");
      assertEquals(200, ok.statusCode(), ok.body());
      assertEquals("ok", Json.MAPPER.readTree(ok.body()).get("status").asText());
      clock.advance(Duration.ofSeconds(100));
      HttpResponse<String> bad = get(server, "/healthz");
      assertEquals(503, bad.statusCode(), bad.body());
      assertTrue(
          Json.MAPPER
              .readTree(bad.body())
              .get("problem")
              .asText()
              .startsWith("the loop last completed a pass 100 s ago"),
          bad.body());
    }
  }

  @Test
  void twoAgentsInOneJvm_serveTheirOwnMetrics() throws Exception {
    PrometheusMetrics first = new PrometheusMetrics(Clock.systemUTC());
    PrometheusMetrics second = new PrometheusMetrics(Clock.systemUTC());
    first.jobEnded("slurm", "FAILED");
    second.attempt("lsf");
    second.schedulerPolled("lsf", "lsf: bjobs: cluster down");
    try (StatusServer one = serve(first);
        StatusServer two = serve(second)) {
      String a = get(one, "/metrics").body();
      String b = get(two, "/metrics").body();
      assertTrue(a.contains("cairn_jobs_ended_total{scheduler=\"slurm\",state=\"FAILED\"} 1.0"), a);
      assertFalse(a.contains("cairn_job_attempts_total{"), a);
      assertTrue(b.contains("cairn_job_attempts_total{scheduler=\"lsf\"} 1.0"), b);
      assertFalse(b.contains("cairn_jobs_ended_total{"), b);
      assertEquals(200, get(one, "/readyz").statusCode());
      HttpResponse<String> unready = get(two, "/readyz");
      assertEquals(503, unready.statusCode(), unready.body());
      assertTrue(unready.body().contains("cluster down"), unready.body());
    }
  }

  private static StatusServer serve(PrometheusMetrics metrics) {
    return StatusServer.start(
        "127.0.0.1:0",
        metrics,
        new Health(
            metrics, Duration.ofSeconds(30), Duration.ZERO, Duration.ofSeconds(5), Map.of()));
  }
}
