package dev.cairn.store;

import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.services.s3.S3BaseClientBuilder;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * How the S3 clients are built for S3-compatible stores: path-style at a custom endpoint, checksums
 * only when required (many stores reject the SDK's default trailing checksums), and bounded
 * retries.
 */
final class S3Clients {
  private S3Clients() {}

  static S3Client sync(S3Location location, S3Options options, AwsCredentialsProvider credentials) {
    RetryStrategy retry = retryStrategy(options);
    return s3Compatible(S3Client.builder(), location, credentials)
        .httpClientBuilder(
            ApacheHttpClient.builder()
                .connectionTimeout(options.connectTimeout())
                .socketTimeout(options.attemptTimeout())
                .maxConnections(16))
        .overrideConfiguration(
            ClientOverrideConfiguration.builder()
                .retryStrategy(retry)
                .apiCallAttemptTimeout(options.attemptTimeout())
                .apiCallTimeout(options.apiCallTimeout())
                .build())
        .build();
  }

  /**
   * A client builder, sync or async, set for the location's region and endpoint (path-style, as
   * S3-compatible stores want it), the credentials, and checksums only where required.
   */
  static <B extends S3BaseClientBuilder<B, C>, C> B s3Compatible(
      B builder, S3Location location, AwsCredentialsProvider credentials) {
    builder
        .region(Region.of(location.region()))
        .credentialsProvider(credentials)
        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
        .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
    location
        .endpoint()
        .ifPresent(endpoint -> builder.endpointOverride(endpoint).forcePathStyle(true));
    return builder;
  }

  /** Bounded attempts with jittered exponential backoff, for the sync and the async client. */
  static RetryStrategy retryStrategy(S3Options options) {
    BackoffStrategy backoff =
        BackoffStrategy.exponentialDelay(options.retryBaseDelay(), options.retryMaxDelay());
    return AwsRetryStrategy.standardRetryStrategy().toBuilder()
        .maxAttempts(options.maxAttempts())
        .backoffStrategy(backoff)
        .throttlingBackoffStrategy(backoff)
        // a daemon rides out long outages; the token bucket would fail calls after one
        .circuitBreakerEnabled(false)
        .build();
  }
}
