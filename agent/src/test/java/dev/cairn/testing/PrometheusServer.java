package dev.cairn.testing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.Json;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * A real Prometheus server (Debian's {@code prometheus} package) on a free loopback port, scraping
 * one target every second, its data in a temporary folder; stopped at close.
 */
public final class PrometheusServer implements AutoCloseable {
  private final Process process;
  private final int port;
  private final Path log;
  private final HttpClient http = HttpClient.newHttpClient();

  private PrometheusServer(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
  }

  /** Starts Prometheus scraping {@code target} (host:port); skips or fails where it is missing. */
  public static PrometheusServer start(Path dir, String target)
      throws IOException, InterruptedException {
    String binary = "/usr/bin/prometheus";
    if (!Files.isExecutable(Path.of(binary))) {
      String why = "Prometheus is needed at " + binary + "; apt-get install -y prometheus";
      if ("true".equals(System.getenv("CI"))) {
        Assertions.fail(why);
      }
      System.err.println("NOTICE: skipping the Prometheus test. " + why);
      Assumptions.abort(why);
    }
    Files.createDirectories(dir);
    Path config = dir.resolve("prometheus.yml");
    Files.writeString(
        config,
        String.join(
            "\n",
            "global:",
            "  scrape_interval: 1s",
            "  evaluation_interval: 1s",
            "scrape_configs:",
            "  - job_name: cairn",
            "    static_configs:",
            "      - targets: ['" + target + "']",
            ""));
    int port = freePort();
    Path log = dir.resolve("prometheus.log");
    Process p =
        new ProcessBuilder(
                binary,
                "--config.file=" + config,
                "--storage.tsdb.path=" + dir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port)
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    PrometheusServer server = new PrometheusServer(p, port, log);
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (true) {
      if (!p.isAlive()) {
        throw new IOException("Prometheus exited: " + Files.readString(log));
      }
      try {
        if (server.get("/-/ready").statusCode() == 200) {
          return server;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      if (System.nanoTime() > deadline) {
        server.close();
        throw new IOException("Prometheus did not get ready in 60 s: " + Files.readString(log));
      }
      Thread.sleep(200);
    }
  }

  private HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(10))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** The sum of an instant query's values through {@code /api/v1/query}; NaN when it has none. */
  public double query(String promql) throws IOException, InterruptedException {
    HttpResponse<String> r =
        get("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
    JsonNode body = Json.MAPPER.readTree(r.body());
    if (r.statusCode() != 200 || !"success".equals(body.path("status").asText())) {
      throw new IOException("query " + promql + " failed: " + r.body());
    }
    List<JsonNode> results = List.copyOf(body.at("/data/result").findValues("value"));
    if (results.isEmpty()) {
      return Double.NaN;
    }
    return results.stream().mapToDouble(v -> Double.parseDouble(v.get(1).asText())).sum();
  }

  /** Whether the last scrape of every target succeeded ({@code up == 1}). */
  public boolean targetUp() throws IOException, InterruptedException {
    return query("up") == 1.0;
  }

  public Path log() {
    return log;
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(15, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  /** A port nobody listens on now, on loopback. */
  public static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
