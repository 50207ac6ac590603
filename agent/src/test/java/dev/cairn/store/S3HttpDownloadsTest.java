package dev.cairn.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.cairn.CairnException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * The http download path's retries and failures, against a small S3 of the JDK's HTTP server that
 * cuts bodies short and answers 500 or 403 on demand, which S3Proxy cannot be made to do. The same
 * path against the real S3Proxy: {@code S3ObjectStoreIT}.
 */
class S3HttpDownloadsTest {
  private static final S3Options FAST =
      S3Options.defaults().withRetries(3, Duration.ofMillis(1), Duration.ofMillis(2));

  @TempDir Path dir;
  private HttpServer server;
  private final Map<String, byte[]> objects = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> failuresLeft = new ConcurrentHashMap<>();
  private final Map<String, Integer> statusOf = new ConcurrentHashMap<>();
  private final List<String> authorizations = new ArrayList<>();
  private final AtomicInteger gets = new AtomicInteger();
  private final Map<String, AtomicInteger> getsOf = new ConcurrentHashMap<>();

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", this::answer);
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  /** A small S3: objects by path, a given status, or a body cut short while failures are left. */
  private void answer(HttpExchange x) throws IOException {
    gets.incrementAndGet();
    String path = x.getRequestURI().getRawPath();
    getsOf.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
    synchronized (authorizations) {
      authorizations.add(String.valueOf(x.getRequestHeaders().getFirst("Authorization")));
    }
    Integer status = statusOf.get(path);
    byte[] body = objects.get(path);
    AtomicInteger left = failuresLeft.get(path);
    try (OutputStream out = x.getResponseBody()) {
      if (status != null) {
        byte[] error =
            ("<Error><Code>"
                    + (status == 403 ? "AccessDenied" : "InternalError")
                    + "</Code><Message>no</Message></Error>")
                .getBytes(StandardCharsets.UTF_8);
        x.sendResponseHeaders(status, error.length);
        out.write(error);
      } else if (body == null) {
        byte[] error = "<Error><Code>NoSuchKey</Code></Error>".getBytes(StandardCharsets.UTF_8);
        x.sendResponseHeaders(404, error.length);
        out.write(error);
      } else if (left != null && left.getAndDecrement() > 0) {
        // the length promised, half the bytes sent, the connection dropped
        x.sendResponseHeaders(200, body.length);
        out.write(body, 0, body.length / 2);
        out.flush();
        throw new IOException("cut short on purpose");
      } else {
        x.sendResponseHeaders(200, body.length == 0 ? -1 : body.length);
        out.write(body);
      }
    }
  }

  private S3HttpDownloads downloads(int threads) {
    return downloads(threads, S3HttpDownloads.BUFFER);
  }

  private S3HttpDownloads downloads(int threads, int bufferBytes) {
    S3Location location =
        S3Location.parse(
            "s3://bucket/pre?endpoint=http://127.0.0.1:" + server.getAddress().getPort());
    StaticCredentialsProvider keys =
        StaticCredentialsProvider.create(AwsBasicCredentials.create("key", "secret"));
    S3Errors errors =
        new S3Errors(
            location, S3Credentials.fromEnvironment("K", "S", Map.of("K", "key", "S", "secret")));
    return new S3HttpDownloads(location, FAST, keys, errors, threads, bufferBytes);
  }

  private byte[] object(String key, int size, int seed) {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    objects.put("/bucket/pre/" + S3CrtUploads.encode(key), b);
    return b;
  }

  private static String md5(byte[] b) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(b));
  }

  @Test
  void manyObjects_eachInItsFileWithItsMd5_missingCreatesNothing_existingReplaced()
      throws Exception {
    List<ObjectStore.FileDownload> asked = new ArrayList<>();
    List<byte[]> contents = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      // sizes around the buffer of 256 KiB, an empty one, and keys that need encoding
      int size = i == 0 ? 0 : (i % 4) * 256 * 1024 + i * 977;
      contents.add(object("k " + i + "+é", size, i));
      asked.add(new ObjectStore.FileDownload("k " + i + "+é", dir.resolve("sub/f" + i)));
    }
    Files.createDirectories(dir.resolve("sub"));
    Files.writeString(dir.resolve("sub/f1"), "an older and longer content ".repeat(50000));
    asked.add(new ObjectStore.FileDownload("none", dir.resolve("sub/none")));

    List<ObjectStore.Downloaded> done = downloads(4).download(asked);

    assertEquals(41, done.size());
    for (int i = 0; i < 40; i++) {
      byte[] c = contents.get(i);
      assertArrayEquals(c, Files.readAllBytes(dir.resolve("sub/f" + i)), "file " + i);
      assertEquals(new ObjectStore.Downloaded(true, c.length, md5(c)), done.get(i));
    }
    assertEquals(ObjectStore.Downloaded.MISSING, done.get(40));
    assertFalse(Files.exists(dir.resolve("sub/none")));
    assertEquals(41, gets.get(), "one GET each, none retried");
    assertTrue(
        authorizations.stream().allMatch(a -> a.startsWith("AWS4-HMAC-SHA256 Credential=key/")),
        "every GET is signed");
  }

  @Test
  void aBodyCutShort_isAskedAgain_andTheFileStartedOver() throws Exception {
    byte[] c = object("cut", 3 * 256 * 1024 + 5, 9);
    failuresLeft.put("/bucket/pre/cut", new AtomicInteger(2));

    // a small buffer: the body comes in many reads
    List<ObjectStore.Downloaded> done =
        downloads(2, 4096).download(List.of(new ObjectStore.FileDownload("cut", dir.resolve("f"))));

    assertEquals(new ObjectStore.Downloaded(true, c.length, md5(c)), done.get(0));
    assertArrayEquals(c, Files.readAllBytes(dir.resolve("f")));
    assertEquals(3, gets.get());
  }

  @Test
  void aBodyCutShortEveryTime_failsAfterTheAttempts_sayingWhat() throws Exception {
    object("cut", 100_000, 9);
    failuresLeft.put("/bucket/pre/cut", new AtomicInteger(100));

    IOException e =
        assertThrows(
            IOException.class,
            () ->
                downloads(2)
                    .download(List.of(new ObjectStore.FileDownload("cut", dir.resolve("f")))));

    assertTrue(e.getMessage().contains("cannot reach S3 for GET cut"), e.getMessage());
    assertEquals(3, gets.get(), "maxAttempts GETs");
  }

  @Test
  void serverErrors_areRetried_thenReportedWithTheirCode() throws Exception {
    object("a", 10, 1);
    statusOf.put("/bucket/pre/broken", 500);

    IOException e =
        assertThrows(
            IOException.class,
            () ->
                downloads(2)
                    .download(
                        List.of(
                            new ObjectStore.FileDownload("a", dir.resolve("a")),
                            new ObjectStore.FileDownload("broken", dir.resolve("b")))));

    assertTrue(e.getMessage().contains("InternalError HTTP 500"), e.getMessage());
    assertEquals(3, getsOf.get("/bucket/pre/broken").get(), "the broken one maxAttempts times");
    // the good one at most once: a thread that starts late finds the batch stopped and asks nothing
    assertTrue(getsOf.getOrDefault("/bucket/pre/a", new AtomicInteger()).get() <= 1);
  }

  @Test
  void accessDenied_isForTheUserToFix_andNotRetried() {
    statusOf.put("/bucket/pre/secret", 403);

    CairnException e =
        assertThrows(
            CairnException.class,
            () ->
                downloads(2)
                    .download(List.of(new ObjectStore.FileDownload("secret", dir.resolve("s")))));

    assertTrue(e.getMessage().contains("S3 denied GET secret"), e.getMessage());
    assertEquals(1, gets.get());
  }
}
