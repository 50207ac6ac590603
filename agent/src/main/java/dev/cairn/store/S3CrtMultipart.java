package dev.cairn.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.crt.http.HttpHeader;
import software.amazon.awssdk.crt.http.HttpRequest;
import software.amazon.awssdk.crt.http.HttpRequestBodyStream;
import software.amazon.awssdk.crt.s3.S3Client;
import software.amazon.awssdk.crt.s3.S3MetaRequest;
import software.amazon.awssdk.crt.s3.S3MetaRequestOptions;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * A large file in parts on the CRT's own S3 client, with the three multipart calls made here rather
 * than by the client's own PUT: the client adds {@code x-amz-mp-object-size} to
 * CompleteMultipartUpload, a header that S3-compatible stores such as S3Proxy refuse with 501
 * NotImplemented (S3 itself only checks it). Each part is read from its slice of the file by the
 * runtime as it sends it, signed and sent in native code, and parts of every file run in parallel,
 * bounded by the batch's permits; the upload is completed as soon as its last part is in, and
 * aborted when a part fails.
 */
final class S3CrtMultipart {
  private static final Pattern UPLOAD_ID = Pattern.compile("<UploadId>([^<]+)</UploadId>");
  private static final Pattern ETAG = Pattern.compile("<ETag>([^<]+)</ETag>");
  private static final Pattern ERROR = Pattern.compile("<Error>\\s*<Code>([^<]*)</Code>");

  private final S3Client client;
  private final URI endpoint;
  private final Semaphore inFlight;
  private final AtomicBoolean failed;
  private final Executor completions;
  private final List<S3MetaRequest> requests;
  private final List<CompletableFuture<?>> pending;

  /**
   * @param requests every request made, to be closed once all have finished
   * @param pending every future, to be awaited before the client closes
   */
  S3CrtMultipart(
      S3Client client,
      URI endpoint,
      Semaphore inFlight,
      AtomicBoolean failed,
      Executor completions,
      List<S3MetaRequest> requests,
      List<CompletableFuture<?>> pending) {
    this.client = client;
    this.endpoint = endpoint;
    this.inFlight = inFlight;
    this.failed = failed;
    this.completions = completions;
    this.requests = requests;
    this.pending = pending;
  }

  /**
   * Starts the upload of {@code file} ({@code size} bytes) to the request path {@code path} in
   * parts of {@code partSize}: creates the upload (waiting for its id), hands over every part as a
   * permit frees, and returns the future of the object's ETag.
   */
  CompletableFuture<String> upload(Path file, long size, String path, long partSize)
      throws IOException, InterruptedException {
    String uploadId = create(path);
    int parts = (int) ((size + partSize - 1) / partSize);
    List<CompletableFuture<String>> etags = new ArrayList<>(parts);
    for (int n = 1; n <= parts && !failed.get(); n++) {
      long start = (n - 1) * partSize;
      inFlight.acquire();
      CompletableFuture<String> etag;
      try {
        etag = part(file, path, uploadId, n, start, Math.min(partSize, size - start));
      } catch (RuntimeException | IOException e) {
        inFlight.release();
        abort(path, uploadId);
        throw e;
      }
      etag.whenComplete((e, t) -> inFlight.release());
      etags.add(etag);
    }
    CompletableFuture<String> object =
        CompletableFuture.allOf(etags.toArray(CompletableFuture[]::new))
            .thenComposeAsync(
                v -> {
                  if (etags.size() < parts) {
                    throw new CompletionException(
                        new IOException("the upload was stopped before every part was sent"));
                  }
                  return complete(path, uploadId, etags.stream().map(CompletableFuture::join));
                },
                completions)
            .whenCompleteAsync(
                (etag, t) -> {
                  if (t != null) {
                    abort(path, uploadId);
                  }
                },
                completions);
    track(object);
    return object;
  }

  private String create(String path) throws IOException, InterruptedException {
    inFlight.acquire();
    try {
      CrtResponse created = send("CreateMultipartUpload", "POST", path + "?uploads", null).get();
      String id = created.find(UPLOAD_ID);
      if (id == null) {
        throw new IOException("no UploadId in the answer to CreateMultipartUpload of " + path);
      }
      return id;
    } catch (ExecutionException e) {
      throw rethrown(e.getCause());
    } finally {
      inFlight.release();
    }
  }

  private CompletableFuture<String> part(
      Path file, String path, String uploadId, int number, long start, long length)
      throws IOException {
    FileSlice slice = new FileSlice(file, start, length);
    CompletableFuture<CrtResponse> sent;
    try {
      sent =
          send(
              "UploadPart",
              "PUT",
              path + "?partNumber=" + number + "&uploadId=" + S3CrtUploads.encode(uploadId),
              slice);
    } catch (RuntimeException e) {
      slice.close();
      throw e;
    }
    sent.whenComplete((r, t) -> slice.close());
    return sent.thenApply(
        r -> {
          String etag = r.etag();
          if (etag == null) {
            throw new CompletionException(
                new IOException("no ETag in the answer to part " + number + " of " + path));
          }
          return etag;
        });
  }

  private CompletableFuture<String> complete(
      String path, String uploadId, java.util.stream.Stream<String> etags) {
    StringBuilder xml = new StringBuilder("<CompleteMultipartUpload>");
    int[] n = {0};
    etags.forEach(
        e ->
            xml.append("<Part><PartNumber>")
                .append(++n[0])
                .append("</PartNumber><ETag>\"")
                .append(e)
                .append("\"</ETag></Part>"));
    xml.append("</CompleteMultipartUpload>");
    byte[] body = xml.toString().getBytes(StandardCharsets.UTF_8);
    return send(
            "CompleteMultipartUpload",
            "POST",
            path + "?uploadId=" + S3CrtUploads.encode(uploadId),
            new Bytes(body))
        .thenApply(
            r -> {
              // S3 may answer 200 and put the error in the body
              String code = r.find(ERROR);
              if (code != null) {
                throw new CompletionException(
                    S3Exception.builder()
                        .statusCode(500)
                        .message("CompleteMultipartUpload failed: " + code)
                        .build());
              }
              String etag = r.find(ETAG);
              if (etag == null) {
                throw new CompletionException(
                    new IOException("no ETag in the answer to CompleteMultipartUpload of " + path));
              }
              return S3ObjectStore.unquoted(etag.replace("&quot;", "\"").replace("&#34;", "\""));
            });
  }

  /** Best effort: a failed upload's parts are not left to be billed; its own failure is kept. */
  private void abort(String path, String uploadId) {
    try {
      send(
          "AbortMultipartUpload",
          "DELETE",
          path + "?uploadId=" + S3CrtUploads.encode(uploadId),
          null);
    } catch (RuntimeException e) {
      // the client may be closing; the store's lifecycle rules clean up what is left
    }
  }

  private CompletableFuture<CrtResponse> send(
      String operation, String method, String pathAndQuery, @Nullable HttpRequestBodyStream body) {
    long length = body == null ? 0 : body.getLength();
    HttpHeader[] headers = {
      new HttpHeader("Host", endpoint.getRawAuthority()),
      new HttpHeader("Content-Length", Long.toString(length))
    };
    CrtResponse response = new CrtResponse();
    S3MetaRequest request =
        client.makeMetaRequest(
            new S3MetaRequestOptions()
                .withMetaRequestType(S3MetaRequestOptions.MetaRequestType.DEFAULT)
                .withOperationName(operation)
                .withHttpRequest(new HttpRequest(method, pathAndQuery, headers, body))
                .withEndpoint(endpoint)
                .withResponseHandler(response));
    synchronized (requests) {
      requests.add(request);
    }
    track(response.done);
    return response.done;
  }

  private void track(CompletableFuture<?> future) {
    synchronized (pending) {
      pending.add(future);
    }
  }

  private static IOException rethrown(@Nullable Throwable t) {
    if (t instanceof IOException io) {
      return io;
    }
    if (t instanceof RuntimeException r) {
      throw r;
    }
    return new IOException(t);
  }

  /** One part's bytes, read from the file at its offset as the runtime asks for them. */
  private static final class FileSlice implements HttpRequestBodyStream, AutoCloseable {
    private final FileChannel channel;
    private final long start;
    private final long length;
    private long sent;

    FileSlice(Path file, long start, long length) throws IOException {
      this.channel = FileChannel.open(file, StandardOpenOption.READ);
      this.start = start;
      this.length = length;
    }

    @Override
    public synchronized boolean sendRequestBody(ByteBuffer out) {
      int want = (int) Math.min(out.remaining(), length - sent);
      ByteBuffer view = out.duplicate();
      view.limit(view.position() + want);
      try {
        while (view.hasRemaining()) {
          int n = channel.read(view, start + sent + (view.position() - out.position()));
          if (n < 0) {
            throw new IOException("the file ended before its part did: was it changed?");
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      sent += want;
      out.position(out.position() + want);
      return sent >= length;
    }

    @Override
    public synchronized boolean resetPosition() {
      sent = 0;
      return true;
    }

    @Override
    public long getLength() {
      return length;
    }

    @Override
    public void close() {
      try {
        channel.close();
      } catch (IOException e) {
        // read-only: nothing was lost
      }
    }
  }

  /** A small body held in memory: the CompleteMultipartUpload document. */
  private static final class Bytes implements HttpRequestBodyStream {
    private final byte[] bytes;
    private int sent;

    Bytes(byte[] bytes) {
      this.bytes = bytes;
    }

    @Override
    public synchronized boolean sendRequestBody(ByteBuffer out) {
      int n = Math.min(out.remaining(), bytes.length - sent);
      out.put(bytes, sent, n);
      sent += n;
      return sent >= bytes.length;
    }

    @Override
    public synchronized boolean resetPosition() {
      sent = 0;
      return true;
    }

    @Override
    public long getLength() {
      return bytes.length;
    }
  }
}
