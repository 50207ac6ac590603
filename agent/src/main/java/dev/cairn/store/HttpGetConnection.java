package dev.cairn.store;

import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ProtocolException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * One plain HTTP/1.1 connection that sends GETs, one after another, and hands each answer's body
 * from the socket to a sink through the caller's buffer, a direct one so that the bytes are copied
 * only by the kernel, into it and out of it to a file: no copy of its own, no thread of its own.
 * Kept alive between GETs while the server allows it and each body was read whole.
 */
final class HttpGetConnection implements AutoCloseable {
  /** The body's bytes in order, a buffer's worth at a time; the buffer is reused after. */
  interface Sink {
    /** Takes the bytes from the buffer's position to its limit. */
    void accept(ByteBuffer bytes) throws IOException;
  }

  private final SocketChannel channel;
  private final Selector selector;
  private final SelectionKey key;
  private final long readTimeoutMillis;
  private final String host;
  private int gets;

  // the answer being read: its status, body length (-1 unknown), and what of it is buffered
  private int status;
  private long length;
  private boolean reusable;
  private ByteBuffer buffer = ByteBuffer.allocate(0);
  private boolean bodyRead;

  private HttpGetConnection(SocketChannel channel, Duration readTimeout, String host)
      throws IOException {
    this.channel = channel;
    this.readTimeoutMillis = Math.max(1, readTimeout.toMillis());
    this.host = host;
    channel.configureBlocking(false);
    this.selector = Selector.open();
    try {
      this.key = channel.register(selector, SelectionKey.OP_READ);
    } catch (IOException | RuntimeException e) {
      selector.close();
      throw e;
    }
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
    SocketChannel c = SocketChannel.open();
    try {
      c.socket()
          .connect(
              new InetSocketAddress(endpoint.getHost(), port), (int) connectTimeout.toMillis());
      c.socket().setTcpNoDelay(true);
      return new HttpGetConnection(c, readTimeout, endpoint.getRawAuthority());
    } catch (IOException | RuntimeException e) {
      c.close();
      throw e;
    }
  }

  /** Whether a GET was sent on this connection before the one in progress. */
  boolean reused() {
    return gets > 1;
  }

  /**
   * Sends {@code GET rawPath} with {@code headers} (Host is added when they lack it) and reads the
   * answer's status line and headers into {@code buffer} (best a direct one), which must outlive
   * the answer's body.
   *
   * @return the status code
   * @throws EOFException when the server closed the connection before a whole head came
   */
  int get(String rawPath, Map<String, ? extends Iterable<String>> headers, ByteBuffer buffer)
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
    ByteBuffer request = ByteBuffer.wrap(head.toString().getBytes(StandardCharsets.ISO_8859_1));
    while (request.hasRemaining()) {
      if (channel.write(request) == 0) {
        await(SelectionKey.OP_WRITE);
      }
    }
    readHead(buffer);
    return status;
  }

  /** Reads what the socket has into the buffer; waits for it up to the read timeout. */
  private int read(ByteBuffer into) throws IOException {
    int n = channel.read(into);
    while (n == 0 && into.hasRemaining()) {
      await(SelectionKey.OP_READ);
      n = channel.read(into);
    }
    return n;
  }

  private void await(int op) throws IOException {
    int ready;
    try {
      key.interestOps(op);
      selector.selectedKeys().clear();
      ready = selector.select(readTimeoutMillis);
      selector.selectedKeys().clear();
    } catch (ClosedSelectorException | CancelledKeyException e) {
      throw new AsynchronousCloseException();
    }
    if (ready == 0) {
      if (!selector.isOpen() || !channel.isOpen()) {
        throw new AsynchronousCloseException();
      }
      throw new SocketTimeoutException("no answer for " + readTimeoutMillis + " ms");
    }
  }

  private void readHead(ByteBuffer into) throws IOException {
    buffer = into;
    bodyRead = false;
    into.clear();
    int end = -1;
    while (end < 0) {
      if (!into.hasRemaining()) {
        throw new ProtocolException("an answer's head is over " + into.capacity() + " bytes");
      }
      int have = into.position();
      if (read(into) < 0) {
        throw new EOFException("the server closed the connection before answering");
      }
      for (int i = Math.max(3, have); i < into.position() && end < 0; i++) {
        if (into.get(i) == '\n'
            && into.get(i - 1) == '\r'
            && into.get(i - 2) == '\n'
            && into.get(i - 3) == '\r') {
          end = i + 1;
        }
      }
    }
    into.flip();
    byte[] head = new byte[end - 4];
    into.get(head);
    into.position(end);
    String[] lines = new String(head, StandardCharsets.ISO_8859_1).split("\r\n");
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
    if (buffer.remaining() > left) {
      // more than the body came: nothing was asked for, so the connection is not to be trusted
      reusable = false;
      buffer.limit(buffer.position() + (int) left);
    }
    left -= buffer.remaining();
    if (buffer.hasRemaining()) {
      sink.accept(buffer);
    }
    while (left > 0) {
      buffer.clear();
      buffer.limit((int) Math.min(buffer.capacity(), left));
      int n = read(buffer);
      if (n < 0) {
        throw new EOFException(
            "the connection ended after " + (length - left) + " of " + length + " bytes");
      }
      buffer.flip();
      left -= n;
      sink.accept(buffer);
    }
    bodyRead = true;
  }

  /**
   * The body of an answer not to be kept (an error): whole when it is at most {@code max} bytes
   * long, else what came with the head, after which the connection is not reused.
   */
  byte[] smallBody(int max) throws IOException {
    if (length >= 0 && length <= max) {
      byte[] out = new byte[(int) length];
      ByteBuffer to = ByteBuffer.wrap(out);
      body(to::put);
      return out;
    }
    reusable = false;
    byte[] out = new byte[Math.min(buffer.remaining(), max)];
    buffer.get(out);
    return out;
  }

  /** Whether another GET may follow: the server keeps the connection and the body was read. */
  boolean reusable() {
    return reusable && bodyRead;
  }

  @Override
  public void close() throws IOException {
    try {
      selector.close();
    } finally {
      channel.close();
    }
  }
}
