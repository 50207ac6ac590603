package dev.cairn.store;

import java.time.Duration;

/**
 * Tuning of the S3 client: timeouts, bounded retries (exponential backoff with full jitter) and the
 * multipart upload of large files.
 *
 * @param connectTimeout to open a TCP connection
 * @param attemptTimeout one HTTP attempt, including reading the response
 * @param apiCallTimeout one call with all its retries
 * @param maxAttempts attempts per call, the first included
 * @param retryBaseDelay the first backoff; each retry doubles it up to {@code retryMaxDelay}
 * @param retryMaxDelay the longest backoff
 * @param multipartThreshold files larger than this are uploaded in parts
 * @param partSize bytes per part (S3 needs at least 5 MiB)
 * @param uploadThreads parts uploaded at once
 */
public record S3Options(
    Duration connectTimeout,
    Duration attemptTimeout,
    Duration apiCallTimeout,
    int maxAttempts,
    Duration retryBaseDelay,
    Duration retryMaxDelay,
    long multipartThreshold,
    long partSize,
    int uploadThreads) {
  static final long MIB = 1024 * 1024;

  public S3Options {
    if (partSize < 5 * MIB) {
      throw new IllegalArgumentException("S3 parts must be at least 5 MiB, not " + partSize);
    }
    if (maxAttempts < 1 || uploadThreads < 1) {
      throw new IllegalArgumentException("maxAttempts and uploadThreads must be at least 1");
    }
  }

  /** Defaults for a daemon on a login node: 16 MiB parts, 4 at once, 4 attempts per call. */
  public static S3Options defaults() {
    return new S3Options(
        Duration.ofSeconds(5),
        Duration.ofSeconds(60),
        Duration.ofMinutes(5),
        4,
        Duration.ofMillis(200),
        Duration.ofSeconds(5),
        16 * MIB,
        16 * MIB,
        4);
  }

  public S3Options withRetries(int attempts, Duration baseDelay, Duration maxDelay) {
    return new S3Options(
        connectTimeout,
        attemptTimeout,
        apiCallTimeout,
        attempts,
        baseDelay,
        maxDelay,
        multipartThreshold,
        partSize,
        uploadThreads);
  }

  public S3Options withMultipart(long threshold, long size, int threads) {
    return new S3Options(
        connectTimeout,
        attemptTimeout,
        apiCallTimeout,
        maxAttempts,
        retryBaseDelay,
        retryMaxDelay,
        threshold,
        size,
        threads);
  }
}
