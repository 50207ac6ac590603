package dev.cairn.store;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.crt.CRT;
import software.amazon.awssdk.crt.auth.credentials.Credentials;
import software.amazon.awssdk.crt.auth.credentials.DelegateCredentialsProvider;
import software.amazon.awssdk.crt.auth.signing.AwsSigningConfig;
import software.amazon.awssdk.crt.http.HttpHeader;
import software.amazon.awssdk.crt.http.HttpRequest;
import software.amazon.awssdk.crt.io.ClientBootstrap;
import software.amazon.awssdk.crt.io.EventLoopGroup;
import software.amazon.awssdk.crt.io.ExponentialBackoffRetryOptions;
import software.amazon.awssdk.crt.io.HostResolver;
import software.amazon.awssdk.crt.io.StandardRetryOptions;
import software.amazon.awssdk.crt.io.TlsContext;
import software.amazon.awssdk.crt.s3.S3Client;
import software.amazon.awssdk.crt.s3.S3ClientOptions;
import software.amazon.awssdk.crt.s3.S3FinishedResponseContext;
import software.amazon.awssdk.crt.s3.S3MetaRequest;
import software.amazon.awssdk.crt.s3.S3MetaRequestOptions;
import software.amazon.awssdk.crt.s3.S3MetaRequestResponseHandler;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Uploads whole files, one PUT each, with the AWS Common Runtime's own S3 client: each file is
 * read, signed and sent in native code, without the SDK's per-request Java pipeline (which, in a
 * fresh JVM, cost more CPU than the requests themselves). Path-style at the location's endpoint, no
 * checksums, unsigned payload as the SDK's CRT-based client sends it. For S3-compatible endpoints
 * only: AWS itself goes through the SDK, which knows its endpoint rules.
 */
final class S3CrtUploads {
  private static final Logger LOG = LoggerFactory.getLogger(S3CrtUploads.class);
  private static final Pattern CODE = Pattern.compile("<Code>([^<]*)</Code>");
  private static final Pattern MESSAGE = Pattern.compile("<Message>([^<]*)</Message>");

  /** Past every file handed here: they all go as one PUT, the largest S3 takes. */
  private static final long NO_PARTS = 5L << 30;

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
    try (EventLoopGroup loops = new EventLoopGroup(0);
        HostResolver resolver = new HostResolver(loops);
        ClientBootstrap bootstrap = new ClientBootstrap(loops, resolver);
        DelegateCredentialsProvider keys =
            new DelegateCredentialsProvider.DelegateCredentialsProviderBuilder()
                .withHandler(this::crtCredentials)
                .build();
        TlsContext tls = "https".equalsIgnoreCase(endpoint.getScheme()) ? new TlsContext() : null;
        S3Client client = new S3Client(clientOptions(bootstrap, keys, tls))) {
      List<String> etags = upload(client, uploads);
      LOG.debug("uploaded {} file(s) with the CRT's S3 client", uploads.size());
      return etags;
    }
  }

  private List<String> upload(S3Client client, List<ObjectStore.FileUpload> uploads)
      throws IOException {
    // bounded as the transfer manager's batches are: a queue of thousands would only wait
    Semaphore inFlight = new Semaphore(options.uploadThreads());
    AtomicBoolean failed = new AtomicBoolean();
    List<S3MetaRequest> requests = new ArrayList<>(uploads.size());
    List<CompletableFuture<String>> futures = new ArrayList<>(uploads.size());
    try {
      for (ObjectStore.FileUpload u : uploads) {
        inFlight.acquire();
        if (failed.get()) {
          inFlight.release();
          break;
        }
        Put put = new Put();
        S3MetaRequest request = client.makeMetaRequest(metaRequest(u, put));
        requests.add(request);
        futures.add(put.etag);
        put.etag.whenComplete(
            (e, t) -> {
              if (t != null) {
                failed.set(true);
              }
              inFlight.release();
            });
      }
      List<String> etags = new ArrayList<>(uploads.size());
      for (int i = 0; i < uploads.size(); i++) {
        if (i >= futures.size()) {
          throw new IllegalStateException("an upload failed before every file was handed over");
        }
        try {
          etags.add(S3ObjectStore.unquoted(futures.get(i).get()));
        } catch (ExecutionException e) {
          throw failure(e.getCause(), uploads.get(i));
        }
      }
      return etags;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while uploading to " + location.describe());
    } finally {
      settle(requests, futures);
    }
  }

  /**
   * Cancels what is still running and waits, bounded, until every request has finished: the client
   * must not be closed under one.
   */
  private static void settle(
      List<S3MetaRequest> requests, List<CompletableFuture<String>> futures) {
    for (int i = 0; i < requests.size(); i++) {
      if (!futures.get(i).isDone()) {
        requests.get(i).cancel();
      }
    }
    S3Transfers.awaitSettled(futures);
    requests.forEach(S3MetaRequest::close);
  }

  private S3ClientOptions clientOptions(
      ClientBootstrap bootstrap, DelegateCredentialsProvider keys, TlsContext tls) {
    S3ClientOptions o =
        new S3ClientOptions()
            .withClientBootstrap(bootstrap)
            .withRegion(location.region())
            .withCredentialsProvider(keys)
            .withSigningConfig(AwsSigningConfig.getDefaultS3SigningConfig(location.region(), keys))
            .withMaxConnections(options.uploadThreads())
            .withPartSize(options.partSize())
            .withMultipartUploadThreshold(NO_PARTS)
            .withConnectTimeoutMs((int) options.connectTimeout().toMillis())
            .withStandardRetryOptions(
                new StandardRetryOptions()
                    .withBackoffRetryOptions(
                        new ExponentialBackoffRetryOptions()
                            .withMaxRetries(options.maxAttempts() - 1)));
    return tls == null ? o : o.withTlsContext(tls);
  }

  private S3MetaRequestOptions metaRequest(ObjectStore.FileUpload u, Put put) throws IOException {
    HttpHeader[] headers = {
      new HttpHeader("Host", endpoint.getRawAuthority()),
      new HttpHeader("Content-Length", Long.toString(Files.size(u.file()))),
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

  private Credentials crtCredentials() {
    AwsCredentials c = credentials.resolveCredentials();
    byte[] token =
        c instanceof AwsSessionCredentials s
            ? s.sessionToken().getBytes(StandardCharsets.UTF_8)
            : null;
    return new Credentials(
        c.accessKeyId().getBytes(StandardCharsets.UTF_8),
        c.secretAccessKey().getBytes(StandardCharsets.UTF_8),
        token);
  }

  private IOException failure(Throwable cause, ObjectStore.FileUpload upload) {
    if (cause instanceof SdkException sdk) {
      return errors.translate(sdk, "PUT", upload.key());
    }
    return new IOException(
        "uploading " + upload.file() + " to " + upload.key() + ": " + cause, cause);
  }

  /** One PUT's answer: its ETag, or the error S3 or the runtime gave. */
  private static final class Put implements S3MetaRequestResponseHandler {
    final CompletableFuture<String> etag = new CompletableFuture<>();
    private volatile String header;

    @Override
    public void onResponseHeaders(int statusCode, HttpHeader[] headers) {
      for (HttpHeader h : headers) {
        if ("ETag".equalsIgnoreCase(h.getName())) {
          header = h.getValue();
        }
      }
    }

    @Override
    public void onFinished(S3FinishedResponseContext context) {
      if (context.getErrorCode() == CRT.AWS_CRT_SUCCESS) {
        etag.complete(header);
      } else {
        etag.completeExceptionally(error(context));
      }
    }

    private static SdkException error(S3FinishedResponseContext context) {
      int status = context.getResponseStatus();
      String crt = CRT.awsErrorName(context.getErrorCode());
      if (status == 0) {
        return SdkClientException.create(crt + ": " + CRT.awsErrorString(context.getErrorCode()));
      }
      byte[] payload = context.getErrorPayload();
      String body = payload == null ? "" : new String(payload, StandardCharsets.UTF_8);
      String code = first(CODE, body);
      String message = first(MESSAGE, body);
      return S3Exception.builder()
          .statusCode(status)
          .message(message == null ? crt : message)
          .awsErrorDetails(
              AwsErrorDetails.builder()
                  .serviceName("S3")
                  .errorCode(code)
                  .errorMessage(message)
                  .build())
          .build();
    }

    private static String first(Pattern pattern, String text) {
      Matcher m = pattern.matcher(text);
      return m.find() ? m.group(1) : null;
    }
  }
}
