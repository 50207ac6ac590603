package dev.cairn.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.cairn.CairnException;
import io.prometheus.metrics.exporter.httpserver.MetricsHandler;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The agent's HTTP endpoint ({@code CAIRN_HTTP_ADDRESS}): {@code /metrics} in Prometheus's format
 * (the Prometheus client's own handler, on the registry of the agent's metrics it is given), {@code
 * /healthz} and {@code /readyz}; with a {@link Webhook}, also {@code POST /hooks/poll}.
 */
public final class StatusServer implements AutoCloseable {
  private final HttpServer server;
  private final ExecutorService executor;

  private StatusServer(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  /**
   * Listens on {@code host:port} ({@code [::1]:port} for IPv6; port 0 picks a free one).
   *
   * @throws CairnException when the address is taken or not one of this machine's
   */
  public static StatusServer start(String address, PrometheusMetrics metrics, Health health) {
    return start(address, metrics, health, null);
  }

  /**
   * {@link #start(String, PrometheusMetrics, Health)} with the webhook on {@link Webhook#PATH}
   * where {@code webhook} is not null.
   */
  public static StatusServer start(
      String address, PrometheusMetrics metrics, Health health, @Nullable Webhook webhook) {
    int colon = address.lastIndexOf(':');
    String host = address.substring(0, colon).replace("[", "").replace("]", "");
    int port = Integer.parseInt(address.substring(colon + 1));
    HttpServer server;
    try {
      server =
          HttpServer.create(new InetSocketAddress(host.isEmpty() ? "0.0.0.0" : host, port), 16);
    } catch (IOException | IllegalArgumentException e) {
      throw new CairnException(
          "cannot listen on CAIRN_HTTP_ADDRESS="
              + address
              + ": "
              + e.getMessage()
              + "; pick a free port or leave CAIRN_HTTP_ADDRESS empty",
          e);
    }
    ExecutorService executor =
        Executors.newFixedThreadPool(
            2,
            r -> {
              Thread t = new Thread(r, "cairn-http");
              t.setDaemon(true);
              return t;
            });
    server.setExecutor(executor);
    server.createContext("/metrics", new MetricsHandler(metrics.registry()));
    server.createContext("/healthz", e -> reply(e, health::live));
    server.createContext("/readyz", e -> reply(e, health::ready));
    if (webhook != null) {
      server.createContext(Webhook.PATH, webhook);
    }
    server.start();
    return new StatusServer(server, executor);
  }

  private static void reply(HttpExchange exchange, Supplier<Health.Answer> answer)
      throws IOException {
    try {
      Health.Answer a = answer.get();
      byte[] body = (a.json() + "\n").getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(a.status(), body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    } finally {
      exchange.close();
    }
  }

  /** Where it listens, with the port it got. */
  public InetSocketAddress address() {
    return server.getAddress();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
