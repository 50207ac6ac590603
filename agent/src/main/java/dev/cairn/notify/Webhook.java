package dev.cairn.notify;

import dev.cairn.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A chat incoming webhook (Slack, Mattermost, Rocket.Chat and Teams workflows all read {@code
 * text}) told of each run's end: run, verdict and link. Its URL is a secret, so no message names
 * it.
 */
final class Webhook {
  private final HttpClient http;
  private final URI url;
  private final Duration timeout;

  Webhook(HttpClient http, URI url, Duration timeout) {
    this.http = http;
    this.url = url;
    this.timeout = timeout;
  }

  static Map<String, Object> message(Post post, @Nullable String link) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put(
        "text",
        "Cairn run "
            + post.runId()
            + ": "
            + post.runState()
            + " ("
            + post.description()
            + ")"
            + (link == null ? "" : " " + link));
    m.put("run", post.runId());
    m.put("commit", post.commit());
    m.put("verdict", post.state());
    m.put("state", post.runState());
    m.put("link", link);
    return m;
  }

  void post(Post post, @Nullable String link) throws IOException, InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(url)
            .timeout(timeout)
            .header("Content-Type", "application/json")
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    Json.MAPPER.writeValueAsString(message(post, link)), StandardCharsets.UTF_8))
            .build();
    GitlabClient.call(http, request, "POST to the chat webhook (CAIRN_NOTIFY_WEBHOOK)");
  }
}
