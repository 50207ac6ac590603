package dev.cairn.agent;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.metrics.Health;
import dev.cairn.metrics.PrometheusMetrics;
import dev.cairn.metrics.StatusServer;
import dev.cairn.model.RunRequest;
import dev.cairn.model.RunState;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the metrics say of past runs once the agent starts again. */
class TelemetryTest {
  @TempDir Path tmp;

  private static Run ended(String commit, RunState state, String finishedAt) {
    Run run =
        Runs.run(
            "20261201-exp-" + commit.substring(0, 12) + "-a1",
            new RunRequest(commit, "main", "1", "r", "m", "2026-12-01T00:00:00Z", "x", 1, null));
    if (state == RunState.CANCELLED) {
      run.cancelled("superseded");
    } else {
      run.planned("submitting");
      run.collecting("collecting");
      run.decided(state, "decided");
      run.publishing("publishing", finishedAt);
      run.ended();
    }
    run.changed(finishedAt);
    return run;
  }

  @Test
  void restart_keepsTheLastRunsResultAndWhenItEnded() throws Exception {
    RunRepository records = new RunRepository(tmp);
    records.save(ended("a".repeat(40), RunState.SUCCEEDED, "2026-12-01T10:00:00Z"));
    records.save(ended("b".repeat(40), RunState.FAILED, "2026-12-02T08:30:00Z"));
    records.save(ended("c".repeat(40), RunState.CANCELLED, "2026-11-30T10:00:00Z"));

    PrometheusMetrics metrics = new PrometheusMetrics(Clock.systemUTC());
    new Telemetry(
        new RunBook(new RunRepository(tmp), Clock.systemUTC(), RunObserver.NONE), metrics);

    String text;
    try (StatusServer server =
        StatusServer.start(
            "127.0.0.1:0",
            metrics,
            new Health(
                metrics, Duration.ofSeconds(30), Duration.ZERO, Duration.ofSeconds(5), Map.of()))) {
      URI uri = URI.create("http://127.0.0.1:" + server.address().getPort() + "/metrics");
      text =
          HttpClient.newHttpClient()
              .send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString())
              .body();
    }
    assertTrue(text.contains("cairn_last_run_result{result=\"FAILED\"} 1.0"), text);
    assertTrue(text.contains("cairn_last_run_result{result=\"SUCCEEDED\"} 0.0"), text);
    double at = Instant.parse("2026-12-02T08:30:00Z").getEpochSecond();
    assertTrue(
        text.lines()
            .anyMatch(
                l ->
                    l.startsWith("cairn_last_run_finished_timestamp_seconds ")
                        && Double.parseDouble(l.split(" ")[1]) == at),
        text);
  }
}
