package dev.cairn.store;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * An S3 or S3-compatible bucket as object store (AWS SDK v2, sync client over Apache HTTP): keys
 * under a prefix, conditional GET and PUT, bounded retries; files go through the SDK's transfer
 * manager ({@link S3Transfers}).
 */
public final class S3ObjectStore implements ObjectStore {
  private static final Logger LOG = LoggerFactory.getLogger(S3ObjectStore.class);

  /** Objects downloading at once, at least: rclone's --transfers 16, measured against it. */
  private static final int DOWNLOAD_THREADS = 16;

  private final S3Location location;
  private final S3Options options;
  private final S3Errors errors;
  private final AwsCredentialsProvider credentialsProvider;
  private final S3Client client;
  private final S3Transfers transfers;
  private final S3ConditionalWrites conditional;

  public S3ObjectStore(S3Location location, S3Credentials credentials, S3Options options) {
    this.location = location;
    this.options = options;
    this.errors = new S3Errors(location, credentials);
    this.credentialsProvider =
        credentials.usesDefaultChain()
            ? DefaultCredentialsProvider.builder().build()
            : StaticCredentialsProvider.create(
                AwsBasicCredentials.create(
                    credentials.accessKeyId(), credentials.secretAccessKey()));
    this.client = S3Clients.sync(location, options, credentialsProvider);
    this.conditional = new S3ConditionalWrites(client, location, options, errors);
    this.transfers = new S3Transfers(location, options, credentialsProvider, errors);
    LOG.debug("opened {} with credentials from {}", location.describe(), credentials.source());
  }

  public S3Location location() {
    return location;
  }

  @Override
  public Optional<StoredObject> get(String key) throws IOException {
    return getIfChanged(key, null);
  }

  @Override
  public Optional<StoredObject> get(String key, long maxBytes) throws IOException {
    return getIfChanged(key, null, maxBytes);
  }

  @Override
  public Optional<StoredObject> getIfChanged(String key, @Nullable String etag, long maxBytes)
      throws IOException {
    GetObjectRequest.Builder request =
        GetObjectRequest.builder().bucket(location.bucket()).key(location.key(key));
    if (etag != null) {
      request.ifNoneMatch(quoted(etag));
    }
    try (ResponseInputStream<GetObjectResponse> in = client.getObject(request.build())) {
      Long length = in.response().contentLength();
      byte[] bytes =
          length != null && length > maxBytes
              ? null
              : in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
      if (bytes == null || bytes.length > maxBytes) {
        // stop the transfer instead of draining the rest of a large body
        in.abort();
        throw new ObjectTooLargeException(key, maxBytes);
      }
      LOG.debug("GET {} ({} bytes, at most {})", key, bytes.length, maxBytes);
      return Optional.of(new StoredObject(key, bytes, unquoted(in.response().eTag())));
    } catch (NoSuchKeyException e) {
      return Optional.empty();
    } catch (S3Exception e) {
      if (e.statusCode() == 304) {
        return Optional.empty();
      }
      if (e.statusCode() == 404 && !isNoSuchBucket(e)) {
        return Optional.empty();
      }
      throw errors.translate(e, "GET", key);
    } catch (SdkException e) {
      throw errors.translate(e, "GET", key);
    }
  }

  /** Unbounded only by what one array holds: callers that read untrusted keys pass a bound. */
  @Override
  public Optional<StoredObject> getIfChanged(String key, @Nullable String etag) throws IOException {
    return getIfChanged(key, etag, Integer.MAX_VALUE - 16);
  }

  @Override
  public String put(String key, byte[] content) throws IOException {
    try {
      String etag =
          client.putObject(putRequest(key).build(), RequestBody.fromBytes(content)).eTag();
      LOG.debug("PUT {} ({} bytes)", key, content.length);
      return unquoted(etag);
    } catch (SdkException e) {
      throw errors.translate(e, "PUT", key);
    }
  }

  @Override
  public String putFile(String key, Path file) throws IOException {
    long size = Files.size(file);
    try {
      if (size > options.multipartThreshold()) {
        return transfers.upload(List.of(new FileUpload(key, file))).get(0);
      }
      String etag = client.putObject(putRequest(key).build(), RequestBody.fromFile(file)).eTag();
      LOG.debug("PUT {} from {} ({} bytes)", key, file, size);
      return unquoted(etag);
    } catch (SdkException e) {
      throw errors.translate(e, "PUT", key);
    }
  }

  /** All files at once through the SDK's transfer manager. */
  @Override
  public List<String> putFiles(List<FileUpload> uploads) throws IOException {
    return transfers.upload(uploads);
  }

  @Override
  public boolean getToFile(String key, Path target) throws IOException {
    Path absolute = target.toAbsolutePath();
    Files.createDirectories(absolute.getParent());
    Path tmp = absolute.resolveSibling("." + absolute.getFileName() + "." + UUID.randomUUID());
    try {
      client.getObject(
          GetObjectRequest.builder().bucket(location.bucket()).key(location.key(key)).build(),
          ResponseTransformer.toFile(tmp));
      Files.move(tmp, absolute, StandardCopyOption.REPLACE_EXISTING);
      LOG.debug("GET {} to {}", key, absolute);
      return true;
    } catch (NoSuchKeyException e) {
      return false;
    } catch (SdkException e) {
      throw errors.translate(e, "GET", key);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /**
   * At a plain {@code http} endpoint, one signed GET per object on a few kept-alive connections,
   * each body hashed and written as it streams in ({@link S3HttpDownloads}); at an {@code https}
   * endpoint, all at once on the CRT's own client ({@link S3CrtDownloads}: ranged GETs, MD5 while
   * streaming); on AWS, one after another through the SDK, each hashed after.
   */
  @Override
  public List<Downloaded> getFiles(List<FileDownload> downloads) throws IOException {
    Optional<URI> endpoint = location.endpoint();
    if (endpoint.isPresent() && "http".equalsIgnoreCase(endpoint.get().getScheme())) {
      return new S3HttpDownloads(
              location,
              options,
              credentialsProvider,
              errors,
              Math.max(DOWNLOAD_THREADS, options.uploadThreads()),
              S3HttpDownloads.BUFFER)
          .download(downloads);
    }
    if (endpoint.isPresent()) {
      return new S3CrtDownloads(location, options, credentialsProvider, errors).download(downloads);
    }
    return ObjectStore.super.getFiles(downloads);
  }

  @Override
  public boolean putIfAbsent(String key, byte[] content) throws IOException {
    if (!supportsConditionalWrites()) {
      throw new UnsupportedOperationException(
          location.describe() + " ignores If-None-Match on PUT: conditional writes are not atomic");
    }
    try {
      boolean created = conditional.put(key, content);
      LOG.debug("PUT {} if absent: {}", key, created ? "created" : "exists already");
      return created;
    } catch (SdkException e) {
      throw errors.translate(e, "PUT (if absent)", key);
    }
  }

  @Override
  public boolean putIfMatch(String key, byte[] content, @Nullable String etag) throws IOException {
    if (!supportsConditionalWrites()) {
      put(key, content);
      return true;
    }
    if (etag == null) {
      return putIfAbsent(key, content);
    }
    try {
      boolean replaced = conditional.putIfMatch(key, content, etag);
      LOG.debug("PUT {} if match: {}", key, replaced ? "replaced" : "changed since read");
      return replaced;
    } catch (SdkException e) {
      throw errors.translate(e, "PUT (if match)", key);
    }
  }

  /**
   * Probed on first use: writes a fresh key twice with {@code If-None-Match: *}. A store that
   * honours the header refuses the second write with 412; one that ignores it accepts both. The
   * answer is kept, except when the store could not be reached: then false, and asked again later.
   */
  @Override
  public boolean supportsConditionalWrites() {
    return conditional.supported(this::delete);
  }

  @Override
  public boolean exists(String key) throws IOException {
    try {
      client.headObject(b -> b.bucket(location.bucket()).key(location.key(key)));
      return true;
    } catch (NoSuchKeyException e) {
      return false;
    } catch (S3Exception e) {
      if (e.statusCode() == 404) {
        return false;
      }
      throw errors.translate(e, "HEAD", key);
    } catch (SdkException e) {
      throw errors.translate(e, "HEAD", key);
    }
  }

  @Override
  public List<ObjectInfo> list(String prefix, @Nullable String startAfter) throws IOException {
    ListObjectsV2Request.Builder request =
        ListObjectsV2Request.builder().bucket(location.bucket()).prefix(location.key(prefix));
    if (location.prefix().isEmpty() && prefix.isEmpty()) {
      request.prefix(null);
    }
    if (startAfter != null) {
      request.startAfter(location.key(startAfter));
    }
    List<ObjectInfo> result = new ArrayList<>();
    try {
      for (S3Object o : client.listObjectsV2Paginator(request.build()).contents()) {
        result.add(new ObjectInfo(location.relative(o.key()), o.size(), unquoted(o.eTag())));
      }
    } catch (SdkException e) {
      throw errors.translate(e, "LIST", prefix);
    }
    LOG.debug("LIST {} after {}: {} objects", prefix, startAfter, result.size());
    return result;
  }

  @Override
  public void delete(String key) throws IOException {
    try {
      client.deleteObject(b -> b.bucket(location.bucket()).key(location.key(key)));
      LOG.debug("DELETE {}", key);
    } catch (NoSuchKeyException e) {
      // already absent
    } catch (SdkException e) {
      throw errors.translate(e, "DELETE", key);
    }
  }

  @Override
  public String describe() {
    return location.describe();
  }

  @Override
  public void close() {
    client.close();
    if (credentialsProvider instanceof AutoCloseable closeable) {
      try {
        closeable.close();
      } catch (Exception e) {
        LOG.debug("closing the credentials provider failed: {}", e.toString());
      }
    }
  }

  @Override
  public String toString() {
    return "S3ObjectStore[" + location.describe() + "]";
  }

  private PutObjectRequest.Builder putRequest(String key) {
    return PutObjectRequest.builder().bucket(location.bucket()).key(location.key(key));
  }

  private static boolean isNoSuchBucket(S3Exception e) {
    return e.awsErrorDetails() != null && "NoSuchBucket".equals(e.awsErrorDetails().errorCode());
  }

  static String quoted(String etag) {
    return etag.startsWith("\"") || etag.startsWith("W/") ? etag : "\"" + etag + "\"";
  }

  static String unquoted(String etag) {
    if (etag != null && etag.length() >= 2 && etag.startsWith("\"") && etag.endsWith("\"")) {
      return etag.substring(1, etag.length() - 1);
    }
    return etag;
  }
}
