package dev.cairn.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.testing.LogCapture;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** POST /hooks/poll: only GitLab's secret token header wakes the loop. */
class WebhookTest {
  private static final String TOKEN = "gl-hook-7f3a9c1e-secret";
  private final HttpClient http = HttpClient.newHttpClient();
  private final AtomicInteger wakes = new AtomicInteger();
  private final PrometheusMetrics metrics = new PrometheusMetrics(Clock.systemUTC());
  private StatusServer server;

  @BeforeEach
  void start() {
    server =
        StatusServer.start(
            "127.0.0.1:0",
            metrics,
            new Health(
                metrics, Duration.ofSeconds(30), Duration.ZERO, Duration.ofSeconds(5), Map.of()),
            new Webhook(TOKEN, wakes::incrementAndGet, metrics));
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private HttpResponse<String> post(String token) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.address().getPort() + Webhook.PATH))
            .header("X-Gitlab-Event", "Push Hook")
            .POST(HttpRequest.BodyPublishers.ofString("{\"object_kind\":\"push\"}"));
    if (token != null) {
      request.header("X-Gitlab-Token", token);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void rightToken_202_andWakesTheLoopOnce() throws Exception {
    HttpResponse<String> response = post(TOKEN);
    assertEquals(202, response.statusCode(), response.body());
    assertEquals(1, wakes.get());
  }

  @Test
  void wrongToken_401_andNoWake_andTheTokenIsNotLogged() throws Exception {
    try (LogCapture logs = new LogCapture()) {
      for (String wrong : new String[] {"gl-hook-7f3a9c1e-secreT", TOKEN + "x", "", "x"}) {
        HttpResponse<String> response = post(wrong);
        assertEquals(401, response.statusCode(), wrong);
        assertFalse(response.body().contains(TOKEN), response.body());
      }
      String text = String.join("\n", logs.lines());
      assertTrue(text.contains("refused"), text);
      assertFalse(text.contains("7f3a9c1e"), text);
    }
    assertEquals(0, wakes.get());
  }

  @Test
  void noToken_401_andNoWake() throws Exception {
    assertEquals(401, post(null).statusCode());
    assertEquals(0, wakes.get());
  }

  @Test
  void get_405_andNoWake() throws Exception {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + server.address().getPort() + Webhook.PATH))
                .header("X-Gitlab-Token", TOKEN)
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(405, response.statusCode());
    assertEquals(0, wakes.get());
  }

  @Test
  void withoutAWebhook_thePathIsNotServed() throws Exception {
    try (StatusServer plain =
        StatusServer.start(
            "127.0.0.1:0",
            metrics,
            new Health(
                metrics, Duration.ofSeconds(30), Duration.ZERO, Duration.ofSeconds(5), Map.of()))) {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(
                      URI.create("http://127.0.0.1:" + plain.address().getPort() + Webhook.PATH))
                  .header("X-Gitlab-Token", TOKEN)
                  .POST(HttpRequest.BodyPublishers.noBody())
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(404, response.statusCode());
    }
  }

  @Test
  void anEmptyTokenIsRefusedAtStart() {
    assertThrows(IllegalArgumentException.class, () -> new Webhook("  ", () -> {}, Metrics.NONE));
  }
}
