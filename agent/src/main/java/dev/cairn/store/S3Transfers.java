package dev.cairn.store;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.crt.AwsCrtAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.S3CrtAsyncClientBuilder;
import software.amazon.awssdk.services.s3.crt.S3CrtRetryConfiguration;
import software.amazon.awssdk.transfer.s3.S3TransferManager;
import software.amazon.awssdk.transfer.s3.model.FileUpload;

/**
 * Uploads files with the AWS SDK's transfer manager: every file of a batch is handed to it at once,
 * and its async client splits large files into parts and runs parts and files in parallel. The
 * client lives for one batch only, so an idle agent holds none of its threads or native buffers.
 */
final class S3Transfers {
  private static final Logger LOG = LoggerFactory.getLogger(S3Transfers.class);

  private final S3Location location;
  private final S3Options options;
  private final AwsCredentialsProvider credentials;
  private final S3Errors errors;

  S3Transfers(
      S3Location location, S3Options options, AwsCredentialsProvider credentials, S3Errors errors) {
    this.location = location;
    this.options = options;
    this.credentials = credentials;
    this.errors = errors;
  }

  /**
   * Uploads each file to its key and returns the ETags in the same order; when any upload fails,
   * the others are cancelled and the first failure is thrown.
   */
  List<String> upload(List<ObjectStore.FileUpload> uploads) throws IOException {
    if (options.transferClient() != S3Options.TransferClient.AUTO) {
      return upload(uploads, options.transferClient());
    }
    // at an endpoint, every file on the CRT's own client (large ones in parts it sends itself);
    // on AWS, the SDK's CRT-based client, which knows AWS's endpoints
    return upload(
        uploads,
        location.endpoint().isPresent()
            ? S3Options.TransferClient.NATIVE
            : S3Options.TransferClient.CRT);
  }

  private List<String> upload(List<ObjectStore.FileUpload> uploads, S3Options.TransferClient kind)
      throws IOException {
    if (uploads.isEmpty()) {
      return List.of();
    }
    if (kind == S3Options.TransferClient.NATIVE) {
      return new S3CrtUploads(location, options, credentials, errors).upload(uploads);
    }
    try (S3AsyncClient client = client(kind);
        S3TransferManager transfers = S3TransferManager.builder().s3Client(client).build()) {
      List<CompletableFuture<String>> futures = new ArrayList<>(uploads.size());
      // A bounded number of files in flight: thousands of queued requests would wait for a
      // connection past the client's acquisition timeout and be retried, costing more than they
      // save; a large file is still split into parts that run in parallel.
      Semaphore inFlight = new Semaphore(options.uploadThreads());
      AtomicBoolean failed = new AtomicBoolean();
      for (ObjectStore.FileUpload u : uploads) {
        try {
          inFlight.acquire();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          settle(futures);
          throw new InterruptedIOException("interrupted while uploading to " + location.describe());
        }
        if (failed.get()) {
          inFlight.release();
          break;
        }
        FileUpload upload =
            transfers.uploadFile(
                b ->
                    b.source(u.file())
                        .putObjectRequest(
                            r -> r.bucket(location.bucket()).key(location.key(u.key()))));
        CompletableFuture<String> etag =
            upload.completionFuture().thenApply(c -> c.response().eTag());
        etag.whenComplete(
            (e, t) -> {
              if (t != null) {
                failed.set(true);
              }
              inFlight.release();
            });
        futures.add(etag);
      }
      List<String> etags = new ArrayList<>(uploads.size());
      for (int i = 0; i < uploads.size(); i++) {
        try {
          if (i >= futures.size()) {
            throw new IllegalStateException("an upload failed before every file was handed over");
          }
          etags.add(S3ObjectStore.unquoted(futures.get(i).get()));
        } catch (ExecutionException | CompletionException e) {
          settle(futures);
          throw failure(e.getCause(), uploads.get(i));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          settle(futures);
          throw new InterruptedIOException("interrupted while uploading to " + location.describe());
        }
      }
      LOG.debug("uploaded {} file(s) with the {} client", uploads.size(), kind);
      return etags;
    }
  }

  /**
   * Cancels what is still running and waits, bounded, until every transfer has let go of its
   * connection: the client must not be closed under a request in flight.
   */
  private static void settle(List<CompletableFuture<String>> futures) {
    futures.forEach(f -> f.cancel(true));
    awaitSettled(futures);
  }

  /** Waits up to 30 s until every one of the futures has ended, however it ended. */
  static void awaitSettled(List<? extends CompletableFuture<?>> futures) {
    awaitSettled(futures, System.nanoTime() + TimeUnit.SECONDS.toNanos(30));
  }

  /** Waits until every one of the futures has ended, or until {@code deadline} (nanoTime). */
  static void awaitSettled(List<? extends CompletableFuture<?>> futures, long deadline) {
    try {
      CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new))
          .exceptionally(t -> null)
          .get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      LOG.debug("transfers still settling: {}", e.toString());
    }
  }

  private IOException failure(@Nullable Throwable cause, ObjectStore.FileUpload upload) {
    while (cause instanceof CompletionException && cause.getCause() != null) {
      cause = cause.getCause();
    }
    if (cause instanceof SdkException sdk) {
      return errors.translate(sdk, "PUT", upload.key());
    }
    if (cause instanceof IOException io) {
      return io;
    }
    return new IOException(
        "uploading " + upload.file() + " to " + upload.key() + ": " + cause, cause);
  }

  private S3AsyncClient client(S3Options.TransferClient kind) {
    return switch (kind) {
      case CRT -> crtClient();
      case JAVA, AUTO, NATIVE -> javaClient();
    };
  }

  /** The CRT-based client: native event loops, part splitting and connection pooling. */
  private S3AsyncClient crtClient() {
    S3CrtAsyncClientBuilder builder =
        S3AsyncClient.crtBuilder()
            .region(Region.of(location.region()))
            .credentialsProvider(credentials)
            .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
            .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
            .thresholdInBytes(options.multipartThreshold())
            .minimumPartSizeInBytes(options.partSize())
            .maxConcurrency(options.uploadThreads())
            .retryConfiguration(
                S3CrtRetryConfiguration.builder().numRetries(options.maxAttempts() - 1).build())
            .httpConfiguration(h -> h.connectionTimeout(options.connectTimeout()));
    location
        .endpoint()
        .ifPresent(endpoint -> builder.endpointOverride(endpoint).forcePathStyle(true));
    return builder.build();
  }

  /**
   * Removes {@code x-amz-mp-object-size}, which the multipart client adds to
   * CompleteMultipartUpload as a check that S3 may make: S3-compatible stores that refuse unknown
   * {@code x-amz-} headers (S3Proxy answers 501 NotImplemented) would fail every large upload. S3
   * itself checks each part's length and ETag all the same.
   */
  static final class DropObjectSizeHeader implements ExecutionInterceptor {
    static final String HEADER = "x-amz-mp-object-size";

    @Override
    public SdkHttpRequest modifyHttpRequest(
        Context.ModifyHttpRequest context, ExecutionAttributes attributes) {
      SdkHttpRequest request = context.httpRequest();
      if (request.firstMatchingHeader(HEADER).isEmpty()) {
        return request;
      }
      return request.toBuilder().removeHeader(HEADER).build();
    }
  }

  /** The SDK's Java multipart client over the CRT HTTP client. */
  private S3AsyncClient javaClient() {
    return S3Clients.s3Compatible(S3AsyncClient.builder(), location, credentials)
        .multipartEnabled(true)
        .multipartConfiguration(
            m ->
                m.thresholdInBytes(options.multipartThreshold())
                    .minimumPartSizeInBytes(options.partSize())
                    .parallelConfiguration(p -> p.maxInFlightParts(options.uploadThreads())))
        .httpClientBuilder(
            AwsCrtAsyncHttpClient.builder()
                .maxConcurrency(options.uploadThreads())
                .connectionTimeout(options.connectTimeout())
                // parts of large files queue for a connection as long as a call may take
                .connectionAcquisitionTimeout(options.apiCallTimeout()))
        .overrideConfiguration(
            o ->
                o.retryStrategy(S3Clients.retryStrategy(options))
                    .apiCallAttemptTimeout(options.attemptTimeout())
                    .addExecutionInterceptor(new DropObjectSizeHeader()))
        .build();
  }
}
