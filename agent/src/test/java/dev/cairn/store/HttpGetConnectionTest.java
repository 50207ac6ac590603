package dev.cairn.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.ProtocolException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HttpGetConnectionTest {
  private ServerSocket server;
  private final List<String> requests = new ArrayList<>();

  @BeforeEach
  void listen() throws IOException {
    server = new ServerSocket(0);
  }

  @AfterEach
  void stop() throws IOException {
    server.close();
  }

  /** Answers each request read on the first connection with the next of {@code answers}. */
  private CompletableFuture<Void> serve(byte[]... answers) {
    return CompletableFuture.runAsync(
        () -> {
          try (Socket s = server.accept()) {
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            for (byte[] answer : answers) {
              synchronized (requests) {
                requests.add(readHead(in));
              }
              // a long answer in two writes, cut in its body; a short one in one
              int cut = answer.length > 1000 ? answer.length / 2 : answer.length;
              out.write(answer, 0, cut);
              out.flush();
              out.write(answer, cut, answer.length - cut);
              out.flush();
            }
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
  }

  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        throw new EOFException();
      }
      head.write(b);
    }
    return head.toString(StandardCharsets.ISO_8859_1);
  }

  private static byte[] answer(String head, byte[] body) {
    byte[] h = head.getBytes(StandardCharsets.ISO_8859_1);
    byte[] all = new byte[h.length + body.length];
    System.arraycopy(h, 0, all, 0, h.length);
    System.arraycopy(body, 0, all, h.length, body.length);
    return all;
  }

  private HttpGetConnection connect() throws IOException {
    return HttpGetConnection.open(
        URI.create("http://127.0.0.1:" + server.getLocalPort()),
        Duration.ofSeconds(5),
        Duration.ofSeconds(30));
  }

  private static byte[] read(HttpGetConnection c) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    c.body(
        bytes -> {
          byte[] b = new byte[bytes.remaining()];
          bytes.get(b);
          out.write(b);
        });
    return out.toByteArray();
  }

  @Test
  void twoGetsOnOneConnection_eachBodyWhole_andTheHeadersSent() throws Exception {
    byte[] big = new byte[100_000];
    new Random(7).nextBytes(big);
    CompletableFuture<Void> served =
        serve(
            answer("HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n", big),
            answer("HTTP/1.1 200 OK\r\ncontent-length: 3\r\n\r\n", "abc".getBytes()));
    // a buffer smaller than the first body: it comes in several reads
    ByteBuffer buffer = ByteBuffer.allocateDirect(4096);
    try (HttpGetConnection c = connect()) {
      assertEquals(200, c.get("/b/k%20one", Map.of("X-Amz-Date", List.of("d")), buffer));
      assertFalse(c.reused());
      assertEquals(100_000, c.contentLength());
      assertArrayEquals(big, read(c));
      assertTrue(c.reusable());
      assertEquals(200, c.get("/b/two", Map.of(), buffer));
      assertTrue(c.reused());
      assertArrayEquals("abc".getBytes(), read(c));
    }
    served.get(10, TimeUnit.SECONDS);
    assertEquals(
        "GET /b/k%20one HTTP/1.1\r\nX-Amz-Date: d\r\nHost: 127.0.0.1:"
            + server.getLocalPort()
            + "\r\n\r\n",
        requests.get(0));
  }

  @Test
  void connectionClose_orAnUnreadBody_isNotReused() throws Exception {
    serve(answer("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\n", new byte[2]));
    try (HttpGetConnection c = connect()) {
      c.get("/k", Map.of(), ByteBuffer.allocateDirect(1024));
      assertFalse(c.reusable(), "the body is not read yet");
      read(c);
      assertFalse(c.reusable(), "the server closes it");
    }
  }

  @Test
  void aBodyCutShort_isAnEofNamingTheBytes() throws Exception {
    serve(answer("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n", "1234".getBytes()));
    try (HttpGetConnection c = connect()) {
      c.get("/k", Map.of(), ByteBuffer.allocateDirect(1024));
      EOFException e = assertThrows(EOFException.class, () -> read(c));
      assertTrue(e.getMessage().contains("after 4 of 10 bytes"), e.getMessage());
      assertFalse(c.reusable());
    }
  }

  @Test
  void noContentLength_isNoBody_butAnErrorAnswerStillReadsWhatCame() throws Exception {
    serve(
        answer(
            "HTTP/1.1 503 Slow Down\r\nTransfer-Encoding: chunked\r\n\r\n",
            "<Code>SlowDown</Code>".getBytes()));
    try (HttpGetConnection c = connect()) {
      assertEquals(503, c.get("/k", Map.of(), ByteBuffer.allocateDirect(1024)));
      assertEquals(-1, c.contentLength());
      assertThrows(ProtocolException.class, () -> c.body(b -> {}));
      String body = new String(c.smallBody(1024), StandardCharsets.UTF_8);
      assertTrue(body.startsWith("<Code>SlowDown"), body);
      assertFalse(c.reusable());
    }
  }

  @Test
  void theServerClosingBeforeAnswering_isAnEof() throws Exception {
    CompletableFuture<Void> closed =
        CompletableFuture.runAsync(
            () -> {
              try (Socket s = server.accept()) {
                readHead(s.getInputStream());
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            });
    try (HttpGetConnection c = connect()) {
      assertThrows(
          EOFException.class, () -> c.get("/k", Map.of(), ByteBuffer.allocateDirect(1024)));
    }
    closed.get(10, TimeUnit.SECONDS);
  }

  @Test
  void aServerThatNeverAnswers_timesOutAtTheReadTimeout() throws Exception {
    CompletableFuture<Void> silent =
        CompletableFuture.runAsync(
            () -> {
              try (Socket s = server.accept()) {
                readHead(s.getInputStream());
                // holds the connection open, answering nothing, until the client gives up
                s.getInputStream().read();
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            });
    try (HttpGetConnection c =
        HttpGetConnection.open(
            URI.create("http://127.0.0.1:" + server.getLocalPort()),
            Duration.ofSeconds(5),
            Duration.ofMillis(200))) {
      assertThrows(
          SocketTimeoutException.class, () -> c.get("/k", Map.of(), ByteBuffer.allocate(1024)));
    }
    silent.get(10, TimeUnit.SECONDS);
  }
}
