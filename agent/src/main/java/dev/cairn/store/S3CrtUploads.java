package dev.cairn.store;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.crt.http.HttpHeader;
import software.amazon.awssdk.crt.http.HttpRequest;
import software.amazon.awssdk.crt.s3.S3Client;
import software.amazon.awssdk.crt.s3.S3MetaRequest;
import software.amazon.awssdk.crt.s3.S3MetaRequestOptions;

/**
 * Uploads files with the AWS Common Runtime's own S3 client: each file up to the multipart
 * threshold as one PUT, larger ones in parts ({@link S3CrtMultipart}), all read, signed and sent in
 * native code, without the SDK's per-request Java pipeline (which, in a fresh JVM, cost more CPU
 * than the requests themselves). Part size and requests in flight come from the batch's sizes and
 * the cores ({@link PartPlan}). Path-style at the location's endpoint, no checksums, unsigned
 * payload as the SDK's CRT-based client sends it. For S3-compatible endpoints only: AWS itself goes
 * through the SDK, which knows its endpoint rules.
 */
final class S3CrtUploads {
  private static final Logger LOG = LoggerFactory.getLogger(S3CrtUploads.class);

  private final S3Location location;
  private final URI endpoint;
  private final S3Options options;
  private final AwsCredentialsProvider credentials;
  private final S3Errors errors;

  S3CrtUploads(
      S3Location location, S3Options options, AwsCredentialsProvider credentials, S3Errors errors) {
    this.location = location;
    this.endpoint =
        location
            .endpoint()
            .orElseThrow(() -> new IllegalArgumentException("needs an endpoint: " + location));
    this.options = options;
    this.credentials = credentials;
    this.errors = errors;
  }

  /**
   * Uploads each file to its key and returns the ETags in the same order; when any upload fails,
   * the rest are cancelled and the first failure is thrown.
   */
  List<String> upload(List<ObjectStore.FileUpload> uploads) throws IOException {
    long[] sizes = new long[uploads.size()];
    for (int i = 0; i < sizes.length; i++) {
      sizes[i] = Files.size(uploads.get(i).file());
    }
    PartPlan plan =
        PartPlan.of(
            sizes,
            options.multipartThreshold(),
            options.partSize(),
            options.uploadThreads(),
            Runtime.getRuntime().availableProcessors());
    try (CrtClient crt =
        new CrtClient(
            location, endpoint, options, credentials, plan.partSize(), plan.concurrency())) {
      S3Client client = crt.client();
      List<String> etags = upload(client, uploads, sizes, plan);
      LOG.debug("uploaded {} file(s) with the CRT's S3 client ({})", uploads.size(), plan);
      return etags;
    }
  }

  private List<String> upload(
      S3Client client, List<ObjectStore.FileUpload> uploads, long[] sizes, PartPlan plan)
      throws IOException {
    // bounded as the transfer manager's batches are: a queue of thousands would only wait
    Semaphore inFlight = new Semaphore(plan.concurrency());
    AtomicBoolean failed = new AtomicBoolean();
    List<S3MetaRequest> requests = new ArrayList<>();
    List<CompletableFuture<?>> pending = new ArrayList<>();
    List<CompletableFuture<String>> futures = new ArrayList<>(uploads.size());
    ExecutorService completions =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "cairn-s3-complete");
              t.setDaemon(true);
              return t;
            });
    S3CrtMultipart multipart =
        new S3CrtMultipart(client, endpoint, inFlight, failed, completions, requests, pending);
    try {
      for (int i = 0; i < uploads.size() && !failed.get(); i++) {
        ObjectStore.FileUpload u = uploads.get(i);
        CompletableFuture<String> etag;
        if (sizes[i] > options.multipartThreshold()) {
          try {
            etag = multipart.upload(u.file(), sizes[i], path(u.key()), plan.partSize());
          } catch (IOException | RuntimeException e) {
            failed.set(true);
            throw failure(e, u);
          }
        } else {
          inFlight.acquire();
          CrtResponse put = new CrtResponse();
          S3MetaRequest request = client.makeMetaRequest(metaRequest(u, sizes[i], put));
          synchronized (requests) {
            requests.add(request);
          }
          etag = put.done.thenApply(CrtResponse::etag);
          put.done.whenComplete((r, t) -> inFlight.release());
        }
        etag.whenComplete(
            (e, t) -> {
              if (t != null) {
                failed.set(true);
              }
            });
        synchronized (pending) {
          pending.add(etag);
        }
        futures.add(etag);
      }
      List<String> etags = new ArrayList<>(uploads.size());
      for (int i = 0; i < uploads.size(); i++) {
        if (i >= futures.size()) {
          throw new IllegalStateException("an upload failed before every file was handed over");
        }
        try {
          etags.add(S3ObjectStore.unquoted(futures.get(i).get()));
        } catch (ExecutionException e) {
          Throwable cause = e.getCause();
          while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
          }
          throw failure(cause, uploads.get(i));
        }
      }
      return etags;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while uploading to " + location.describe());
    } finally {
      settle(requests, pending);
      completions.shutdownNow();
    }
  }

  /**
   * Cancels what is still running and waits, bounded, until every request has finished, those
   * started meanwhile (an abort) included: the client must not be closed under one.
   */
  private static void settle(List<S3MetaRequest> requests, List<CompletableFuture<?>> pending) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    int settled = -1;
    while (System.nanoTime() < deadline) {
      List<CompletableFuture<?>> now;
      synchronized (pending) {
        now = List.copyOf(pending);
      }
      if (now.size() == settled && now.stream().allMatch(CompletableFuture::isDone)) {
        break;
      }
      settled = now.size();
      synchronized (requests) {
        // a meta request that has not finished yet is cancelled; one that has ignores this
        if (!now.stream().allMatch(CompletableFuture::isDone)) {
          requests.forEach(S3MetaRequest::cancel);
        }
      }
      S3Transfers.awaitSettled(now, deadline);
    }
    synchronized (requests) {
      requests.forEach(S3MetaRequest::close);
    }
  }

  private S3MetaRequestOptions metaRequest(ObjectStore.FileUpload u, long size, CrtResponse put) {
    HttpHeader[] headers = {
      new HttpHeader("Host", endpoint.getRawAuthority()),
      new HttpHeader("Content-Length", Long.toString(size)),
      new HttpHeader("Content-Type", "application/octet-stream")
    };
    return new S3MetaRequestOptions()
        .withMetaRequestType(S3MetaRequestOptions.MetaRequestType.PUT_OBJECT)
        .withHttpRequest(new HttpRequest("PUT", path(u.key()), headers, null))
        .withRequestFilePath(u.file())
        .withEndpoint(endpoint)
        .withResponseHandler(put);
  }

  /** The path-style request path: the endpoint's own path, the bucket, the encoded key. */
  String path(String key) {
    String base = endpoint.getRawPath() == null ? "" : endpoint.getRawPath();
    if (base.endsWith("/")) {
      base = base.substring(0, base.length() - 1);
    }
    return base + "/" + encode(location.bucket()) + "/" + encode(location.key(key));
  }

  /** Percent-encodes all but S3's unreserved characters and the slashes between segments. */
  static String encode(String key) {
    StringBuilder out = new StringBuilder(key.length() + 16);
    for (byte b : key.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xff);
      if ((c < 0x80 && Character.isLetterOrDigit(c)) || "-_.~/".indexOf(c) >= 0) {
        out.append(c);
      } else {
        out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)));
        out.append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      }
    }
    return out.toString();
  }

  private IOException failure(@Nullable Throwable cause, ObjectStore.FileUpload upload) {
    if (cause instanceof SdkException sdk) {
      return errors.translate(sdk, "PUT", upload.key());
    }
    if (cause instanceof IOException io) {
      return io;
    }
    return new IOException(
        "uploading " + upload.file() + " to " + upload.key() + ": " + cause, cause);
  }
}
