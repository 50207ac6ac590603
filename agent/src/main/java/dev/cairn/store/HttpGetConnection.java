package dev.cairn.store;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ProtocolException;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * One plain HTTP/1.1 connection that sends GETs, one after another, and hands each answer's body
 * straight from the socket to a sink through the caller's buffer: no copy of its own, no thread of
 * its own. Kept alive between GETs while the server allows it and each body was read whole.
 */
final class HttpGetConnection implements AutoCloseable {
  /** The body's bytes in order, a buffer's worth at a time; the buffer is reused after. */
  interface Sink {
    void accept(byte[] bytes, int offset, int length) throws IOException;
  }

  private final Socket socket;
  private final InputStream in;
  private final String host;
  private int gets;

  // the answer being read: its status, body length (-1 unknown), and what of it is buffered
  private int status;
  private long length;
  private boolean reusable;
  private byte[] buffer = new byte[0];
  private int bodyStart;
  private int buffered;
  private boolean bodyRead;

  private HttpGetConnection(Socket socket, String host) throws IOException {
    this.socket = socket;
    this.in = socket.getInputStream();
    this.host = host;
  }

  /**
   * Connects to a plain {@code http} endpoint.
   *
   * @param readTimeout the longest wait for the next bytes of an answer
   */
  static HttpGetConnection open(URI endpoint, Duration connectTimeout, Duration readTimeout)
      throws IOException {
    if (!"http".equalsIgnoreCase(endpoint.getScheme())) {
      throw new IllegalArgumentException("plain http only: " + endpoint);
    }
    int port = endpoint.getPort() < 0 ? 80 : endpoint.getPort();
    Socket s = new Socket();
    try {
      s.connect(new InetSocketAddress(endpoint.getHost(), port), (int) connectTimeout.toMillis());
      s.setSoTimeout((int) readTimeout.toMillis());
      s.setTcpNoDelay(true);
      return new HttpGetConnection(s, endpoint.getRawAuthority());
    } catch (IOException | RuntimeException e) {
      s.close();
      throw e;
    }
  }

  /** Whether a GET was sent on this connection before the one in progress. */
  boolean reused() {
    return gets > 1;
  }

  /**
   * Sends {@code GET rawPath} with {@code headers} (Host is added when they lack it) and reads the
   * answer's status line and headers into {@code buffer}, which must outlive the answer's body.
   *
   * @return the status code
   * @throws EOFException when the server closed the connection before a whole head came
   */
  int get(String rawPath, Map<String, ? extends Iterable<String>> headers, byte[] buffer)
      throws IOException {
    if (gets > 0 && !(reusable && bodyRead)) {
      throw new IllegalStateException("the last answer was not read whole");
    }
    gets++;
    StringBuilder head = new StringBuilder(512).append("GET ").append(rawPath).append(" HTTP/1.1");
    boolean hasHost = false;
    for (Map.Entry<String, ? extends Iterable<String>> h : headers.entrySet()) {
      hasHost |= "host".equalsIgnoreCase(h.getKey());
      for (String v : h.getValue()) {
        head.append("\r\n").append(h.getKey()).append(": ").append(v);
      }
    }
    if (!hasHost) {
      head.append("\r\nHost: ").append(host);
    }
    head.append("\r\n\r\n");
    socket.getOutputStream().write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
    readHead(buffer);
    return status;
  }

  private void readHead(byte[] into) throws IOException {
    buffer = into;
    bodyRead = false;
    int have = 0;
    int end = -1;
    while (end < 0) {
      if (have == into.length) {
        throw new ProtocolException("an answer's head is over " + into.length + " bytes");
      }
      int n = in.read(into, have, into.length - have);
      if (n < 0) {
        throw new EOFException("the server closed the connection before answering");
      }
      for (int i = Math.max(3, have); i < have + n && end < 0; i++) {
        if (into[i] == '\n' && into[i - 1] == '\r' && into[i - 2] == '\n' && into[i - 3] == '\r') {
          end = i + 1;
        }
      }
      have += n;
    }
    String[] lines = new String(into, 0, end - 4, StandardCharsets.ISO_8859_1).split("\r\n");
    String[] statusLine = lines[0].split(" ", 3);
    if (statusLine.length < 2 || !statusLine[0].startsWith("HTTP/1.")) {
      throw new ProtocolException("not an HTTP/1.x answer: " + lines[0]);
    }
    try {
      status = Integer.parseInt(statusLine[1]);
    } catch (NumberFormatException e) {
      throw new ProtocolException("not an HTTP status: " + lines[0]);
    }
    length = -1;
    reusable = statusLine[0].equals("HTTP/1.1");
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      if (colon <= 0) {
        continue;
      }
      String name = lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT);
      String value = lines[i].substring(colon + 1).trim();
      switch (name) {
        case "content-length" -> {
          try {
            length = Long.parseLong(value);
          } catch (NumberFormatException e) {
            throw new ProtocolException("not a Content-Length: " + value);
          }
        }
        // a chunked body's length is known only at its end: read as unknown, never reused
        case "transfer-encoding" -> length = -1;
        case "connection" -> reusable &= !value.toLowerCase(Locale.ROOT).contains("close");
        default -> {}
      }
    }
    if (length < 0) {
      reusable = false;
    }
    bodyStart = end;
    buffered = have - end;
  }

  /** The answer's Content-Length, or -1 when it gave none (its body then has no known end). */
  long contentLength() {
    return length;
  }

  /**
   * Streams the whole body, {@link #contentLength()} bytes, to {@code sink}.
   *
   * @throws EOFException when the connection ends before the last byte
   * @throws ProtocolException when the answer gave no length
   */
  void body(Sink sink) throws IOException {
    if (length < 0) {
      throw new ProtocolException("the answer gave no Content-Length");
    }
    long left = length;
    if (buffered > left) {
      // more than the body came: nothing was asked for, so the connection is not to be trusted
      reusable = false;
    }
    int first = (int) Math.min(buffered, left);
    if (first > 0) {
      sink.accept(buffer, bodyStart, first);
      left -= first;
    }
    while (left > 0) {
      int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
      if (n < 0) {
        throw new EOFException(
            "the connection ended after " + (length - left) + " of " + length + " bytes");
      }
      sink.accept(buffer, 0, n);
      left -= n;
    }
    bodyRead = true;
  }

  /**
   * The body of an answer not to be kept (an error): whole when it is at most {@code max} bytes
   * long, else what came with the head, after which the connection is not reused.
   */
  byte[] smallBody(int max) throws IOException {
    if (length >= 0 && length <= max && length <= buffer.length) {
      byte[] out = new byte[(int) length];
      int[] at = {0};
      body(
          (b, off, n) -> {
            System.arraycopy(b, off, out, at[0], n);
            at[0] += n;
          });
      return out;
    }
    reusable = false;
    byte[] out = new byte[Math.min(buffered, max)];
    System.arraycopy(buffer, bodyStart, out, 0, out.length);
    return out;
  }

  /** Whether another GET may follow: the server keeps the connection and the body was read. */
  boolean reusable() {
    return reusable && bodyRead;
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
