package dev.cairn.store;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.crt.CRT;
import software.amazon.awssdk.crt.http.HttpHeader;
import software.amazon.awssdk.crt.http.HttpRequest;
import software.amazon.awssdk.crt.s3.S3FinishedResponseContext;
import software.amazon.awssdk.crt.s3.S3MetaRequest;
import software.amazon.awssdk.crt.s3.S3MetaRequestOptions;
import software.amazon.awssdk.crt.s3.S3MetaRequestResponseHandler;

/**
 * Downloads objects with the CRT's own S3 client: many objects in flight, and each large one as
 * parallel ranged GETs of the part size, which the runtime hands back in order; each chunk is
 * handed to {@link StreamedFiles}, whose threads feed it to the file's MD5 and write it at its
 * offset, so the runtime's event loops go back to reading at once and the file is never read again
 * to check it. For S3-compatible endpoints over https; a plain http endpoint has {@link
 * S3HttpDownloads}.
 */
final class S3CrtDownloads {
  private static final Logger LOG = LoggerFactory.getLogger(S3CrtDownloads.class);

  /**
   * Bytes received and not yet written, at most, across the batch; they are on the heap (the
   * agent's is 1 GiB by default), so also at most an eighth of it.
   */
  private static final long MAX_UNWRITTEN = 128 * PartPlan.MIB;

  private final S3Location location;
  private final URI endpoint;
  private final S3Options options;
  private final AwsCredentialsProvider credentials;
  private final S3Errors errors;
  private final S3CrtUploads paths;

  S3CrtDownloads(
      S3Location location, S3Options options, AwsCredentialsProvider credentials, S3Errors errors) {
    this.location = location;
    this.endpoint =
        location
            .endpoint()
            .orElseThrow(() -> new IllegalArgumentException("needs an endpoint: " + location));
    this.options = options;
    this.credentials = credentials;
    this.errors = errors;
    this.paths = new S3CrtUploads(location, options, credentials, errors);
  }

  /** Downloads each object into its file; see {@link ObjectStore#getFiles}. */
  List<ObjectStore.Downloaded> download(List<ObjectStore.FileDownload> downloads)
      throws IOException {
    if (downloads.isEmpty()) {
      return List.of();
    }
    int cores = Runtime.getRuntime().availableProcessors();
    PartPlan plan =
        PartPlan.of(
            new long[0],
            options.multipartThreshold(),
            // ranges of 8 MiB keep a single large object on several connections
            Math.min(options.partSize(), 8 * PartPlan.MIB),
            // at least 32 GETs in flight, not 16: with the chunks written off the event loops, 32
            // was the faster in each of three alternating pairs (docs/benchmarks.md)
            Math.max(options.uploadThreads(), 32),
            cores);
    long budget =
        Math.min(
            Math.min(MAX_UNWRITTEN, Runtime.getRuntime().maxMemory() / 8),
            plan.concurrency() * plan.partSize());
    try (CrtClient crt =
            new CrtClient(
                location, endpoint, options, credentials, plan.partSize(), plan.concurrency());
        StreamedFiles files = new StreamedFiles(Math.max(2, cores), (int) budget)) {
      List<ObjectStore.Downloaded> done = download(crt, files, downloads, plan);
      LOG.debug("downloaded {} object(s) with the CRT's S3 client ({})", downloads.size(), plan);
      return done;
    }
  }

  private List<ObjectStore.Downloaded> download(
      CrtClient crt, StreamedFiles files, List<ObjectStore.FileDownload> downloads, PartPlan plan)
      throws IOException {
    Semaphore inFlight = new Semaphore(plan.concurrency());
    AtomicBoolean failed = new AtomicBoolean();
    List<S3MetaRequest> requests = new ArrayList<>();
    List<CompletableFuture<ObjectStore.Downloaded>> futures = new ArrayList<>();
    try {
      for (ObjectStore.FileDownload d : downloads) {
        inFlight.acquire();
        if (failed.get()) {
          inFlight.release();
          break;
        }
        Get get;
        try {
          Files.createDirectories(d.file().toAbsolutePath().getParent());
          get = new Get(files, d.file());
        } catch (IOException e) {
          inFlight.release();
          throw e;
        }
        requests.add(get(crt, d.key(), get, S3MetaRequestOptions.MetaRequestType.GET_OBJECT));
        get.done.whenComplete(
            (r, t) -> {
              if (t != null) {
                failed.set(true);
              }
              inFlight.release();
            });
        futures.add(get.done);
      }
      List<ObjectStore.Downloaded> done = new ArrayList<>(downloads.size());
      for (int i = 0; i < downloads.size(); i++) {
        if (i >= futures.size()) {
          throw new IllegalStateException("a download failed before every object was asked for");
        }
        try {
          ObjectStore.Downloaded d = futures.get(i).get();
          if (d == Get.EMPTY) {
            // an empty object has no first range to ask for: S3 answers 416; ask without one
            Get plain = new Get(files, downloads.get(i).file());
            requests.add(
                get(
                    crt,
                    downloads.get(i).key(),
                    plain,
                    S3MetaRequestOptions.MetaRequestType.DEFAULT));
            futures.add(plain.done);
            d = plain.done.get();
          }
          done.add(d);
        } catch (ExecutionException e) {
          throw failure(e.getCause(), downloads.get(i).key());
        }
      }
      return done;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while downloading from " + location.describe());
    } finally {
      if (!futures.stream().allMatch(CompletableFuture::isDone)) {
        requests.forEach(S3MetaRequest::cancel);
      }
      S3Transfers.awaitSettled(futures);
      requests.forEach(S3MetaRequest::close);
    }
  }

  /**
   * A GET of the whole object: split into ranges ({@code GET_OBJECT}) or as is ({@code DEFAULT}).
   */
  private S3MetaRequest get(
      CrtClient crt, String key, Get handler, S3MetaRequestOptions.MetaRequestType type) {
    HttpHeader[] headers = {new HttpHeader("Host", endpoint.getRawAuthority())};
    return crt.client()
        .makeMetaRequest(
            new S3MetaRequestOptions()
                .withMetaRequestType(type)
                .withOperationName(
                    type == S3MetaRequestOptions.MetaRequestType.DEFAULT ? "GetObject" : null)
                .withHttpRequest(new HttpRequest("GET", paths.path(key), headers, null))
                .withEndpoint(endpoint)
                .withResponseHandler(handler));
  }

  private IOException failure(@Nullable Throwable cause, String key) {
    if (cause instanceof SdkException sdk) {
      return errors.translate(sdk, "GET", key);
    }
    if (cause instanceof UncheckedIOException u) {
      return Objects.requireNonNull(u.getCause(), "an UncheckedIOException holds its cause");
    }
    if (cause instanceof IOException io) {
      return io;
    }
    return new IOException("downloading " + key + ": " + cause, cause);
  }

  /** One object: its body handed to its file, which hashes and writes it off the event loop. */
  private static final class Get implements S3MetaRequestResponseHandler {
    /** The answer to a ranged GET of an empty object (416): to be asked again without a range. */
    static final ObjectStore.Downloaded EMPTY = new ObjectStore.Downloaded(true, 0, "");

    final CompletableFuture<ObjectStore.Downloaded> done = new CompletableFuture<>();
    private final StreamedFiles.File out;
    private @Nullable IOException handOverFailure;

    Get(StreamedFiles files, Path file) throws IOException {
      out = files.open(file);
    }

    @Override
    public int onResponseBody(ByteBuffer body, long rangeStart, long rangeEnd) {
      int n = body.remaining();
      if (handOverFailure == null && n > 0) {
        try {
          // the runtime gives each chunk a fresh array, so it is handed over without a copy
          out.accept(body, rangeStart);
        } catch (IOException e) {
          handOverFailure = e;
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          handOverFailure = new InterruptedIOException("interrupted while handing over a chunk");
        }
      }
      return n;
    }

    @Override
    public void onFinished(S3FinishedResponseContext context) {
      int errorCode = context.getErrorCode();
      int status = context.getResponseStatus();
      @Nullable SdkException error =
          errorCode == CRT.AWS_CRT_SUCCESS ? null : CrtResponse.error(context);
      out.finish()
          .whenComplete(
              (written, writeFailure) -> {
                if (errorCode == CRT.AWS_CRT_SUCCESS) {
                  if (handOverFailure != null) {
                    done.completeExceptionally(handOverFailure);
                  } else if (writeFailure != null) {
                    done.completeExceptionally(unwrapped(writeFailure));
                  } else {
                    done.complete(new ObjectStore.Downloaded(true, written.size(), written.md5()));
                  }
                } else if (status == 404) {
                  done.complete(ObjectStore.Downloaded.MISSING);
                } else if (status == 416) {
                  done.complete(EMPTY);
                } else {
                  done.completeExceptionally(Objects.requireNonNull(error));
                }
              });
    }

    private static Throwable unwrapped(Throwable t) {
      Throwable c = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
      return c instanceof UncheckedIOException u && u.getCause() != null ? u.getCause() : c;
    }
  }
}
