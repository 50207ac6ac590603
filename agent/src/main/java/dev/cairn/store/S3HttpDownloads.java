package dev.cairn.store;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;

/**
 * Downloads a batch of objects from a plain {@code http} endpoint as rclone does: a few threads,
 * each with its own kept-alive connection, each object one signed GET whose body goes from the
 * socket through one buffer of the thread into the file's MD5 and the file, in order, so nothing is
 * copied between threads and the file is never read again to check it. Memory: one buffer of 256
 * KiB per thread. Connection failures, 5xx and throttling are retried with backoff, the file
 * started again; a missing key is {@link ObjectStore.Downloaded#MISSING} and creates no file.
 */
final class S3HttpDownloads {
  private static final Logger LOG = LoggerFactory.getLogger(S3HttpDownloads.class);
  private static final AtomicInteger BATCHES = new AtomicInteger();

  /** Bytes read, hashed and written at a time, by default: stays in a core's cache. */
  static final int BUFFER = 256 * 1024;

  /** Error answers are short XML; more is not read. */
  private static final int MAX_ERROR_BODY = 64 * 1024;

  private final S3Location location;
  private final URI endpoint;
  private final S3Options options;
  private final AwsCredentialsProvider credentials;
  private final S3Errors errors;
  private final S3CrtUploads paths;
  private final int threads;
  private final int bufferBytes;
  private final AwsV4HttpSigner signer = AwsV4HttpSigner.create();

  /**
   * @param threads objects downloading at once, at most; each holds a connection and a buffer
   * @param bufferBytes each thread's buffer (off the heap): bytes read, hashed and written at a
   *     time
   */
  S3HttpDownloads(
      S3Location location,
      S3Options options,
      AwsCredentialsProvider credentials,
      S3Errors errors,
      int threads,
      int bufferBytes) {
    if (threads < 1 || bufferBytes < 1024) {
      throw new IllegalArgumentException("needs a thread and a buffer of at least 1 KiB");
    }
    this.location = location;
    this.endpoint =
        location
            .endpoint()
            .orElseThrow(() -> new IllegalArgumentException("needs an endpoint: " + location));
    if (!"http".equalsIgnoreCase(endpoint.getScheme())) {
      throw new IllegalArgumentException("needs a plain http endpoint: " + location);
    }
    this.options = options;
    this.credentials = credentials;
    this.errors = errors;
    this.paths = new S3CrtUploads(location, options, credentials, errors);
    this.threads = threads;
    this.bufferBytes = bufferBytes;
  }

  /** Downloads each object into its file; see {@link ObjectStore#getFiles}. */
  List<ObjectStore.Downloaded> download(List<ObjectStore.FileDownload> downloads)
      throws IOException {
    if (downloads.isEmpty()) {
      return List.of();
    }
    Batch batch = new Batch(downloads);
    int batchId = BATCHES.incrementAndGet();
    List<Thread> workers = new ArrayList<>();
    try {
      for (int i = 0; i < Math.min(threads, downloads.size()); i++) {
        Thread t = new Thread(batch::work, "cairn-download-" + batchId + "-" + (i + 1));
        t.setDaemon(true);
        workers.add(t);
        t.start();
      }
      for (Thread t : workers) {
        t.join();
      }
    } catch (InterruptedException e) {
      batch.stop();
      workers.forEach(Thread::interrupt);
      // their connections closed, they end at once; waited for so that none writes a file after
      for (Thread t : workers) {
        try {
          t.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException again) {
          break;
        }
      }
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while downloading from " + location.describe());
    } finally {
      batch.closeConnections();
    }
    List<ObjectStore.Downloaded> done = batch.results();
    LOG.debug("downloaded {} object(s) on {} connection(s)", done.size(), workers.size());
    return done;
  }

  /** A file failed to be written: not the store's fault, so never retried. */
  private static final class WriteFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final IOException io;

    WriteFailure(IOException cause) {
      super(cause);
      this.io = cause;
    }

    IOException io() {
      return io;
    }
  }

  /** An answer that is worth asking again for (5xx, throttling). */
  private static final class TransientStatus extends IOException {
    private static final long serialVersionUID = 1L;
    final int status;
    final String body;

    TransientStatus(int status, String body) {
      super("HTTP " + status);
      this.status = status;
      this.body = body;
    }
  }

  /** One batch: its objects taken in order by the threads, its results and its connections. */
  private final class Batch {
    private final List<ObjectStore.FileDownload> downloads;
    private final ObjectStore.@Nullable Downloaded[] results;
    private final AtomicInteger next = new AtomicInteger();
    private final ArrayDeque<HttpGetConnection> idle = new ArrayDeque<>();
    private final Set<HttpGetConnection> open = ConcurrentHashMap.newKeySet();
    private volatile boolean stopped;
    private @Nullable Exception failure;

    Batch(List<ObjectStore.FileDownload> downloads) {
      this.downloads = downloads;
      this.results = new ObjectStore.Downloaded[downloads.size()];
    }

    void work() {
      ByteBuffer buffer = ByteBuffer.allocateDirect(bufferBytes);
      MessageDigest md5 = Md5.digest();
      for (int i = next.getAndIncrement(); i < downloads.size(); i = next.getAndIncrement()) {
        if (stopped) {
          return;
        }
        try {
          results[i] = download(downloads.get(i), buffer, md5);
        } catch (IOException | RuntimeException e) {
          failed(e);
          return;
        }
      }
    }

    /** Keeps the first failure: those after it are the other downloads being stopped. */
    private synchronized void failed(Exception e) {
      if (failure == null) {
        failure = e;
      }
      stop();
    }

    /** Stops taking objects and ends the GETs in progress by closing their connections. */
    void stop() {
      stopped = true;
      closeConnections();
    }

    void closeConnections() {
      for (HttpGetConnection c : open) {
        close(c);
      }
    }

    synchronized List<ObjectStore.Downloaded> results() throws IOException {
      Exception f = failure;
      if (f instanceof IOException io) {
        throw io;
      }
      if (f instanceof RuntimeException r) {
        throw r;
      }
      List<ObjectStore.Downloaded> out = new ArrayList<>(results.length);
      for (ObjectStore.@Nullable Downloaded d : results) {
        if (d == null) {
          throw new IllegalStateException("a download ended without a result or a failure");
        }
        out.add(d);
      }
      return out;
    }

    private ObjectStore.Downloaded download(
        ObjectStore.FileDownload d, ByteBuffer buffer, MessageDigest md5) throws IOException {
      String path = paths.path(d.key());
      for (int attempt = 1; ; ) {
        HttpGetConnection c = connection();
        try {
          ObjectStore.Downloaded got = get(c, d.key(), path, d.file(), buffer, md5);
          release(c);
          return got;
        } catch (WriteFailure e) {
          close(c);
          throw e.io();
        } catch (IOException e) {
          close(c);
          if (stopped) {
            throw new InterruptedIOException("the batch stopped: another download failed");
          }
          // a kept-alive connection the server had closed meanwhile: costs no attempt
          boolean stale = c.reused() && !(e instanceof TransientStatus);
          if (!stale && attempt >= options.maxAttempts()) {
            throw failure(e, d.key());
          }
          if (!stale) {
            backOff(attempt++);
          }
        }
      }
    }

    private ObjectStore.Downloaded get(
        HttpGetConnection c,
        String key,
        String path,
        Path file,
        ByteBuffer buffer,
        MessageDigest md5)
        throws IOException {
      int status = c.get(path, signedHeaders(path), buffer);
      if (status != 200) {
        String body = new String(c.smallBody(MAX_ERROR_BODY), StandardCharsets.UTF_8);
        if (status >= 500 || status == 429 || status == 408) {
          throw new TransientStatus(status, body);
        }
        if (status == 404 && !body.contains("<Code>NoSuchBucket</Code>")) {
          return ObjectStore.Downloaded.MISSING;
        }
        throw errors.translate(CrtResponse.s3Error(status, body, "HTTP " + status), "GET", key);
      }
      md5.reset();
      try (FileChannel out = open(file)) {
        c.body(
            bytes -> {
              md5.update(bytes.duplicate());
              try {
                while (bytes.hasRemaining()) {
                  out.write(bytes);
                }
              } catch (IOException e) {
                throw new WriteFailure(e);
              }
            });
      }
      return new ObjectStore.Downloaded(true, c.contentLength(), Md5.hex(md5));
    }

    private FileChannel open(Path file) {
      try {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
          Files.createDirectories(parent);
        }
        return FileChannel.open(
            file,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING);
      } catch (IOException e) {
        throw new WriteFailure(e);
      }
    }

    private HttpGetConnection connection() throws IOException {
      synchronized (idle) {
        HttpGetConnection c = idle.pollLast();
        if (c != null) {
          return c;
        }
      }
      HttpGetConnection c =
          HttpGetConnection.open(endpoint, options.connectTimeout(), options.attemptTimeout());
      open.add(c);
      if (stopped) {
        close(c);
      }
      return c;
    }

    private void release(HttpGetConnection c) {
      if (!c.reusable()) {
        close(c);
        return;
      }
      synchronized (idle) {
        idle.addLast(c);
      }
    }

    private void close(HttpGetConnection c) {
      open.remove(c);
      try {
        c.close();
      } catch (IOException e) {
        LOG.debug("closing a connection to {}: {}", endpoint, e.toString());
      }
    }
  }

  private Map<String, List<String>> signedHeaders(String path) {
    SdkHttpRequest request =
        SdkHttpRequest.builder()
            .method(SdkHttpMethod.GET)
            .uri(URI.create(endpoint.getScheme() + "://" + endpoint.getRawAuthority() + path))
            .build();
    return signer
        .sign(
            r ->
                r.identity(credentials.resolveCredentials())
                    .request(request)
                    .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "s3")
                    .putProperty(AwsV4HttpSigner.REGION_NAME, location.region())
                    .putProperty(AwsV4HttpSigner.DOUBLE_URL_ENCODE, false)
                    .putProperty(AwsV4HttpSigner.NORMALIZE_PATH, false)
                    .putProperty(AwsV4HttpSigner.PAYLOAD_SIGNING_ENABLED, false))
        .request()
        .headers();
  }

  /** Full jitter, doubling from the base delay up to the largest. */
  private void backOff(int attempt) throws InterruptedIOException {
    long cap =
        Math.min(
            options.retryMaxDelay().toMillis(),
            options.retryBaseDelay().toMillis() << Math.min(attempt - 1, 20));
    try {
      Thread.sleep(ThreadLocalRandom.current().nextLong(cap + 1));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting to retry a download");
    }
  }

  private IOException failure(IOException e, String key) {
    if (e instanceof TransientStatus t) {
      return errors.translate(
          CrtResponse.s3Error(t.status, t.body, "HTTP " + t.status), "GET", key);
    }
    return errors.translate(
        SdkClientException.create(e.getClass().getSimpleName() + ": " + e.getMessage(), e),
        "GET",
        key);
  }
}
