package dev.cairn.store;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.crt.auth.credentials.Credentials;
import software.amazon.awssdk.crt.auth.credentials.DelegateCredentialsProvider;
import software.amazon.awssdk.crt.auth.signing.AwsSigningConfig;
import software.amazon.awssdk.crt.io.ClientBootstrap;
import software.amazon.awssdk.crt.io.EventLoopGroup;
import software.amazon.awssdk.crt.io.ExponentialBackoffRetryOptions;
import software.amazon.awssdk.crt.io.HostResolver;
import software.amazon.awssdk.crt.io.StandardRetryOptions;
import software.amazon.awssdk.crt.io.TlsContext;
import software.amazon.awssdk.crt.s3.S3Client;
import software.amazon.awssdk.crt.s3.S3ClientOptions;

/**
 * The CRT's own S3 client for one batch of transfers, with its event loops, resolver, credentials
 * and TLS: opened per batch and closed after it, so an idle agent holds none of its threads or
 * native buffers. Path-style at the location's endpoint, signed with the store's keys, bounded
 * retries; {@code partSize} is also the range of the GETs it splits a download into.
 */
final class CrtClient implements AutoCloseable {
  private final EventLoopGroup loops;
  private final HostResolver resolver;
  private final ClientBootstrap bootstrap;
  private final DelegateCredentialsProvider keys;
  private final @Nullable TlsContext tls;
  private final S3Client client;

  CrtClient(
      S3Location location,
      URI endpoint,
      S3Options options,
      AwsCredentialsProvider credentials,
      long partSize,
      int connections) {
    loops = new EventLoopGroup(0);
    resolver = new HostResolver(loops);
    bootstrap = new ClientBootstrap(loops, resolver);
    keys =
        new DelegateCredentialsProvider.DelegateCredentialsProviderBuilder()
            .withHandler(() -> crtCredentials(credentials))
            .build();
    tls = "https".equalsIgnoreCase(endpoint.getScheme()) ? new TlsContext() : null;
    S3ClientOptions o =
        new S3ClientOptions()
            .withClientBootstrap(bootstrap)
            .withRegion(location.region())
            .withCredentialsProvider(keys)
            .withSigningConfig(AwsSigningConfig.getDefaultS3SigningConfig(location.region(), keys))
            .withMaxConnections(connections)
            .withPartSize(partSize)
            // parts are sent by S3CrtMultipart, never by the client's own PUT
            .withMultipartUploadThreshold(5L << 30)
            .withConnectTimeoutMs((int) options.connectTimeout().toMillis())
            .withStandardRetryOptions(
                new StandardRetryOptions()
                    .withBackoffRetryOptions(
                        new ExponentialBackoffRetryOptions()
                            .withMaxRetries(options.maxAttempts() - 1)));
    client = new S3Client(tls == null ? o : o.withTlsContext(tls));
  }

  S3Client client() {
    return client;
  }

  private static Credentials crtCredentials(AwsCredentialsProvider credentials) {
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

  @Override
  public void close() {
    client.close();
    if (tls != null) {
      tls.close();
    }
    keys.close();
    bootstrap.close();
    resolver.close();
    loops.close();
  }
}
