package dev.cairn.agent;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.config.AgentSettings;
import dev.cairn.metrics.Health;
import dev.cairn.metrics.PrometheusMetrics;
import dev.cairn.metrics.StatusServer;
import dev.cairn.metrics.Webhook;
import dev.cairn.model.StoreKeys;
import dev.cairn.scheduler.ExecCommandRunner;
import dev.cairn.scheduler.Schedulers;
import dev.cairn.store.FileObjectStore;
import dev.cairn.testing.LocalJobs;
import dev.cairn.testing.TestAgents;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The loop between two ticks: an hour's poll interval, cut short by {@link Agent#wake} through the
 * webhook, and by {@link Agent#stop}.
 */
class AgentWakeTest {
  private static final String TOKEN = "wake-test-token-51c2";
  private static final String CONFIG =
      "EXPERIMENT_NAME=wake\nTRAINER=demo\nSCHEDULER=local\nTASKS=landslide\nEPOCHS=4\n"
          + "TIME_LIMIT=5\n";
  @TempDir Path tmp;

  @Test
  void aWebhookWithTheRightTokenMakesAnHourLongWaitEndAtOnce() throws Exception {
    FileObjectStore store = new FileObjectStore(tmp.resolve("store"));
    AgentSettings settings =
        TestAgents.settings(
            tmp, store, Map.of("CAIRN_POLL_MIN_SECONDS", "3600", "CAIRN_POLL_MAX_SECONDS", "3600"));
    AtomicReference<Throwable> loopEnded = new AtomicReference<>();
    try (Schedulers schedulers =
        new Schedulers(settings, Clock.systemUTC(), new ExecCommandRunner())) {
      Agent agent = TestAgents.agent(settings, store, schedulers, TestAgents.loopTemplates());
      Thread loop =
          new Thread(
              () -> {
                try {
                  agent.loop(false);
                } catch (Throwable t) {
                  loopEnded.set(t);
                }
              },
              "agent-loop");
      PrometheusMetrics metrics = new PrometheusMetrics(Clock.systemUTC());
      try (StatusServer server =
          StatusServer.start(
              "127.0.0.1:0",
              metrics,
              new Health(
                  metrics, Duration.ofHours(3), Duration.ZERO, Duration.ofSeconds(5), Map.of()),
              new Webhook(TOKEN, agent::wake, metrics))) {
        loop.start();
        // the first tick found nothing; the loop now waits an hour
        await()
            .atMost(Duration.ofSeconds(30))
            .until(() -> loop.getState() == Thread.State.TIMED_WAITING);
        String commit = "ab".repeat(20);
        TestAgents.queue(store, commit, CONFIG);
        assertEquals(401, post(server, "not-" + TOKEN));
        assertEquals(202, post(server, TOKEN));
        await()
            .atMost(Duration.ofSeconds(60))
            .until(() -> store.get(StoreKeys.statusKey(commit)).isPresent());
      } finally {
        agent.stop();
        loop.join(Duration.ofSeconds(60).toMillis());
      }
      assertTrue(!loop.isAlive(), "stop() ends the wait too");
      assertTrue(loopEnded.get() instanceof InterruptedException, String.valueOf(loopEnded.get()));
    } finally {
      LocalJobs.awaitEnded(tmp, Duration.ofSeconds(15));
    }
  }

  private static int post(StatusServer server, String token) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.address().getPort() + Webhook.PATH))
            .header("X-Gitlab-Token", token)
            .POST(HttpRequest.BodyPublishers.ofString("{}"))
            .build();
    return HttpClient.newHttpClient()
        .send(request, HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }
}
