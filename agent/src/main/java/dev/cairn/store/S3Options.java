package dev.cairn.store;

import java.time.Duration;

/**
 * Tuning of the S3 clients: timeouts, bounded retries (exponential backoff with full jitter) and
 * the transfer manager's uploads.
 *
 * @param connectTimeout to open a TCP connection
 * @param attemptTimeout one HTTP attempt, including reading the response
 * @param apiCallTimeout one call with all its retries
 * @param maxAttempts attempts per call, the first included
 * @param retryBaseDelay the first backoff; each retry doubles it up to {@code retryMaxDelay}
 * @param retryMaxDelay the longest backoff
 * @param multipartThreshold files larger than this are uploaded in parts
 * @param partSize bytes per part (S3 needs at least 5 MiB)
 * @param uploadThreads requests (parts or whole files) in flight at once
 * @param transferClient which of the SDK's async clients the transfer manager runs on
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
    int uploadThreads,
    TransferClient transferClient) {
  static final long MIB = 1024 * 1024;

  public S3Options {
    if (partSize < 5 * MIB) {
      throw new IllegalArgumentException("S3 parts must be at least 5 MiB, not " + partSize);
    }
    if (transferClient == null) {
      throw new IllegalArgumentException("transferClient must be given");
    }
    if (maxAttempts < 1 || uploadThreads < 1) {
      throw new IllegalArgumentException("maxAttempts and uploadThreads must be at least 1");
    }
  }

  /**
   * Defaults for a daemon on a login node: 4 attempts per call; files above 16 MiB in parts of at
   * least 16 MiB; at least 16 requests in flight, all from native code.
   */
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
        16,
        TransferClient.AUTO);
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
        uploadThreads,
        transferClient);
  }

  public S3Options withMultipart(long threshold, long size, int threads) {
    return withUploads(threshold, size, threads, transferClient);
  }

  /** These options with other multipart settings, and the transfer manager on {@code client}. */
  public S3Options withUploads(long threshold, long size, int threads, TransferClient client) {
    return new S3Options(
        connectTimeout,
        attemptTimeout,
        apiCallTimeout,
        maxAttempts,
        retryBaseDelay,
        retryMaxDelay,
        threshold,
        size,
        threads,
        client);
  }

  /** The async S3 clients the SDK's transfer manager can run on. */
  public enum TransferClient {
    /**
     * Every file on the CRT's own client ({@link #NATIVE}) at a custom endpoint; on the SDK's
     * CRT-based client ({@link #CRT}) for AWS itself.
     */
    AUTO,
    /** The CRT-based client ({@code S3AsyncClient.crtBuilder()}): native I/O and part splitting. */
    CRT,
    /**
     * The AWS Common Runtime's own S3 client, without the SDK: files up to the multipart threshold
     * as one PUT, larger ones in parts whose multipart calls Cairn makes itself, all read, signed
     * and sent in native code. Needs an endpoint (S3-compatible stores).
     */
    NATIVE,
    /**
     * The SDK's Java multipart client ({@code multipartEnabled(true)}) over the CRT HTTP client.
     */
    JAVA
  }
}
