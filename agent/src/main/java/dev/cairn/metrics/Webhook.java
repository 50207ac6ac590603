package dev.cairn.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /hooks/poll}: a GitLab webhook (push or pipeline event) that makes the agent poll the
 * store at once instead of at its next tick. The request must carry GitLab's secret token header,
 * {@code X-Gitlab-Token}, equal to the configured token; the two are compared as SHA-256 digests in
 * constant time ({@link MessageDigest#isEqual}), so neither their content nor their length shows in
 * the time an answer takes. The payload is not read beyond a bound, and never trusted: a wake-up
 * only moves the next tick forward, and the tick reads the bucket as always. The token is never
 * logged.
 */
public final class Webhook implements HttpHandler {
  /** Where GitLab's webhook points: {@code http://login-node:PORT/hooks/poll}. */
  public static final String PATH = "/hooks/poll";

  static final String HEADER = "X-Gitlab-Token";
  private static final Logger LOG = LoggerFactory.getLogger(Webhook.class);
  private static final int MAX_BODY = 1 << 20;

  private final byte[] tokenDigest;
  private final Runnable wake;
  private final Metrics metrics;

  /**
   * @param token the secret GitLab sends in {@code X-Gitlab-Token}; must not be blank
   * @param wake what makes the loop poll at once
   * @param metrics where accepted and refused calls are counted
   */
  public Webhook(String token, Runnable wake, Metrics metrics) {
    if (token == null || token.isBlank()) {
      throw new IllegalArgumentException("the webhook token is empty");
    }
    this.tokenDigest = sha256(token.strip());
    this.wake = wake;
    this.metrics = metrics;
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      drain(exchange.getRequestBody());
      if (!"POST".equals(exchange.getRequestMethod())) {
        exchange.getResponseHeaders().set("Allow", "POST");
        reply(exchange, 405, "{\"error\":\"use POST\"}");
        return;
      }
      if (!authorized(exchange.getRequestHeaders().getFirst(HEADER))) {
        LOG.warn(
            "webhook from {} refused: missing or wrong {} header",
            exchange.getRemoteAddress().getAddress().getHostAddress(),
            HEADER);
        metrics.webhookCalled(false);
        reply(exchange, 401, "{\"error\":\"missing or wrong " + HEADER + "\"}");
        return;
      }
      wake.run();
      metrics.webhookCalled(true);
      LOG.debug("webhook: polling now");
      reply(exchange, 202, "{\"poll\":\"now\"}");
    }
  }

  /** True when {@code presented} is the token; constant time in its content and length. */
  boolean authorized(String presented) {
    // hashing first gives both sides the same length, which isEqual needs to take constant time
    byte[] digest = sha256(presented == null ? "" : presented.strip());
    return presented != null && MessageDigest.isEqual(digest, tokenDigest);
  }

  private static void drain(InputStream body) throws IOException {
    // read a bounded body so the connection can be reused; more is not read at all
    body.readNBytes(MAX_BODY);
  }

  private static void reply(HttpExchange exchange, int status, String json) throws IOException {
    byte[] body = (json + "\n").getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
