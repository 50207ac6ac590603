package dev.cairn.testing;

import dev.cairn.config.ExperimentConfig;
import dev.cairn.model.RunRequest;
import dev.cairn.store.ObjectStore;
import dev.cairn.store.ObjectStores;
import dev.cairn.store.S3Credentials;
import dev.cairn.trigger.RequestQueue;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.eclipse.jgit.revwalk.RevCommit;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A real S3 server for tests: S3Proxy run as a separate JVM on a free loopback port, storing
 * buckets in a folder, with AWS v2/v4 signatures and fixed test credentials. It can be stopped and
 * started again on the same port and data, to play an outage.
 */
public final class S3ProxyServer implements AutoCloseable {
  public static final String ACCESS_KEY = "cairn-it-access-key";
  public static final String SECRET_KEY = "cairn-it-SECRET-3f9c2a71d0";
  public static final String ACCESS_KEY_ENV = "CAIRN_IT_S3_ACCESS";
  public static final String SECRET_KEY_ENV = "CAIRN_IT_S3_SECRET";
  public static final String BUCKET = "cairn-it";
  private static final Duration STARTUP = Duration.ofSeconds(60);

  private final Path dir;
  private final Path dataDir;
  private final int port;
  private Process process;

  private S3ProxyServer(Path dir, int port) {
    this.dir = dir;
    this.dataDir = dir.resolve("data");
    this.port = port;
  }

  /** Starts S3Proxy with its data and log under {@code dir}, and creates {@link #BUCKET}. */
  public static S3ProxyServer start(Path dir) throws IOException, InterruptedException {
    S3ProxyServer server = new S3ProxyServer(dir, freePort());
    server.start();
    server.createBucket(BUCKET);
    return server;
  }

  /** Starts the server (again) on the same port and data folder; waits until it answers. */
  public synchronized void start() throws IOException, InterruptedException {
    if (process != null && process.isAlive()) {
      return;
    }
    Files.createDirectories(dataDir);
    Path properties = dir.resolve("s3proxy.properties");
    Files.writeString(
        properties,
        String.join(
            "\n",
            "s3proxy.endpoint=" + endpoint(),
            "s3proxy.authorization=aws-v2-or-v4",
            "s3proxy.identity=" + ACCESS_KEY,
            "s3proxy.credential=" + SECRET_KEY,
            "jclouds.provider=filesystem-nio2",
            "jclouds.filesystem.basedir=" + dataDir.toAbsolutePath(),
            ""),
        StandardCharsets.UTF_8);
    ProcessBuilder builder =
        new ProcessBuilder(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m",
                "-jar",
                jar().toString(),
                "--properties",
                properties.toString()));
    builder.environment().put("LOG_LEVEL", "warn");
    builder.redirectErrorStream(true);
    builder.redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("s3proxy.log").toFile()));
    process = builder.start();
    awaitReady();
  }

  /** Stops the server, as in an outage; {@link #start()} brings it back with the same data. */
  public synchronized void stop() throws InterruptedException {
    if (process == null) {
      return;
    }
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    process = null;
  }

  @Override
  public void close() throws InterruptedException {
    stop();
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + port);
  }

  public int port() {
    return port;
  }

  /** A store URL for {@code prefix} in {@link #BUCKET} on this server. */
  public String storeUrl(String prefix) {
    return "s3://" + BUCKET + "/" + prefix + "?endpoint=" + endpoint();
  }

  /** The environment the agent would see: the test key and secret under the test names. */
  /**
   * The settings lines of an agent on this server under {@code prefix}: the store and the names of
   * the variables that hold its keys ({@link #environment()} sets them).
   */
  public String agentSettings(String prefix) {
    return "CAIRN_STORE="
        + storeUrl(prefix)
        + "\nCAIRN_S3_ACCESS_KEY_ENV="
        + ACCESS_KEY_ENV
        + "\nCAIRN_S3_SECRET_KEY_ENV="
        + SECRET_KEY_ENV
        + "\n";
  }

  /** Queues {@code config} of {@code commit} on branch main under {@code prefix}, as CI would. */
  public void queue(String prefix, RevCommit commit, byte[] config)
      throws IOException, InterruptedException {
    try (ObjectStore store = ObjectStores.open(storeUrl(prefix), credentials())) {
      RequestQueue.submit(
          store,
          new RunRequest(
              commit.getName(),
              "main",
              "7",
              commit.getAuthorIdent().getName(),
              commit.getShortMessage(),
              Instant.now().toString(),
              ExperimentConfig.sha256(config),
              1,
              null),
          config);
    }
  }

  public Map<String, String> environment() {
    return Map.of(ACCESS_KEY_ENV, ACCESS_KEY, SECRET_KEY_ENV, SECRET_KEY);
  }

  /** The credentials as the agent reads them from its settings and environment. */
  public S3Credentials credentials() {
    return S3Credentials.fromEnvironment(ACCESS_KEY_ENV, SECRET_KEY_ENV, environment());
  }

  /** Creates a bucket with a plain SDK client. */
  public void createBucket(String bucket) {
    try (S3Client s3 = adminClient()) {
      s3.createBucket(b -> b.bucket(bucket));
    }
  }

  private S3Client adminClient() {
    return S3Client.builder()
        .endpointOverride(endpoint())
        .forcePathStyle(true)
        .region(Region.US_EAST_1)
        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
        .credentialsProvider(
            StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
        .httpClientBuilder(ApacheHttpClient.builder())
        .build();
  }

  private void awaitReady() throws IOException, InterruptedException {
    long deadline = System.nanoTime() + STARTUP.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IOException("S3Proxy exited with " + process.exitValue() + ": " + logTail());
      }
      try {
        HttpURLConnection c = (HttpURLConnection) endpoint().toURL().openConnection();
        c.setConnectTimeout(500);
        c.setReadTimeout(2000);
        int status = c.getResponseCode();
        c.disconnect();
        if (status > 0) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      Thread.sleep(100);
    }
    stop();
    throw new IOException("S3Proxy did not answer within " + STARTUP + ": " + logTail());
  }

  private String logTail() throws IOException {
    Path log = dir.resolve("s3proxy.log");
    if (!Files.exists(log)) {
      return "(no log)";
    }
    List<String> lines = Files.readAllLines(log);
    return String.join(" | ", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
  }

  private static Path jar() throws IOException {
    Path jar = Path.of(System.getProperty("cairn.s3proxyJar", "target/s3proxy/s3proxy.jar"));
    if (!Files.isRegularFile(jar)) {
      throw new IOException(
          "no S3Proxy jar at " + jar + "; run the build through process-test-classes first");
    }
    return jar;
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
