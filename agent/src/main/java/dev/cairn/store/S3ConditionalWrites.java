package dev.cairn.store;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Writes with {@code If-None-Match: *}, the claim that keeps two agents off one run, and finds out
 * whether a store honours the header at all.
 */
final class S3ConditionalWrites {
  private static final Logger LOG = LoggerFactory.getLogger(S3ConditionalWrites.class);
  private final S3Client client;
  private final S3Location location;
  private final S3Options options;
  private final S3Errors errors;
  private volatile @Nullable Boolean supported;

  S3ConditionalWrites(S3Client client, S3Location location, S3Options options, S3Errors errors) {
    this.client = client;
    this.location = location;
    this.options = options;
    this.errors = errors;
  }

  /** Deletes the probe's object afterwards. */
  interface Deleter {
    void delete(String key) throws IOException;
  }

  /** True when created, false on 412; SDK errors other than 412 and 409 propagate. */
  boolean put(String key, byte[] content) throws IOException {
    return put(key, content, b -> b.ifNoneMatch("*"));
  }

  /**
   * True when replaced, false on 412 (the object changed since it was read) or 404 (it was
   * deleted); SDK errors other than those and 409 propagate.
   */
  boolean putIfMatch(String key, byte[] content, String etag) throws IOException {
    return put(key, content, b -> b.ifMatch(S3ObjectStore.quoted(etag)));
  }

  private boolean put(String key, byte[] content, Consumer<PutObjectRequest.Builder> condition)
      throws IOException {
    for (int attempt = 1; ; attempt++) {
      try {
        PutObjectRequest.Builder request =
            PutObjectRequest.builder().bucket(location.bucket()).key(location.key(key));
        condition.accept(request);
        client.putObject(request.build(), RequestBody.fromBytes(content));
        return true;
      } catch (S3Exception e) {
        if (e.statusCode() == 412 || e.statusCode() == 404) {
          return false;
        }
        // 409 ConditionalRequestConflict: another conditional write to the key is in flight
        if (e.statusCode() != 409 || attempt >= options.maxAttempts()) {
          throw e;
        }
        sleep(options.retryBaseDelay().toMillis() * attempt);
      }
    }
  }

  /**
   * Probed on first use: a store that honours the header refuses a second write of a fresh key with
   * 412; one that ignores it accepts both. The answer is kept, except when the store could not be
   * reached: then false, and asked again later.
   */
  boolean supported(Deleter deleter) {
    Boolean known = supported;
    if (known != null) {
      return known;
    }
    synchronized (this) {
      if (supported == null) {
        Optional<Boolean> probed = probe(deleter);
        if (probed.isEmpty()) {
          return false;
        }
        supported = probed.get();
      }
      return supported;
    }
  }

  /**
   * Writes a fresh key twice with the header: a store that honours it refuses the second write;
   * empty when the store could not be reached.
   */
  Optional<Boolean> probe(Deleter deleter) {
    String key = ".cairn-probe/conditional-put-" + UUID.randomUUID();
    byte[] body = "probe".getBytes(StandardCharsets.UTF_8);
    try {
      boolean honoured = put(key, body) && !put(key, body);
      if (honoured) {
        LOG.debug("{} honours If-None-Match on PUT", location.describe());
      } else {
        LOG.warn(
            "{} ignores If-None-Match on PUT: claims of runs are not atomic on this store",
            location.describe());
      }
      return Optional.of(honoured);
    } catch (S3Exception e) {
      if (e.statusCode() == 400 || e.statusCode() == 501) {
        LOG.warn(
            "{} refuses If-None-Match on PUT (HTTP {}): claims of runs are not atomic",
            location.describe(),
            e.statusCode());
        return Optional.of(false);
      }
      return unreachable(e, key);
    } catch (SdkException e) {
      return unreachable(e, key);
    } catch (IOException e) {
      LOG.warn("probing conditional writes on {} failed: {}", location.describe(), e.getMessage());
      return Optional.empty();
    } finally {
      try {
        deleter.delete(key);
      } catch (IOException | RuntimeException e) {
        LOG.debug("could not delete the probe object {}: {}", key, e.getMessage());
      }
    }
  }

  private Optional<Boolean> unreachable(SdkException e, String key) {
    IOException io = errors.translate(e, "PUT (if absent)", key);
    LOG.warn("probing conditional writes failed, will ask again: {}", io.getMessage());
    return Optional.empty();
  }

  private static void sleep(long millis) throws IOException {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while retrying a conditional PUT");
    }
  }
}
