package dev.cairn.store;

import dev.cairn.CairnException;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * How the agent signs S3 requests: the AWS SDK's default chain, or an access key and secret read
 * from environment variables whose names the agent settings give. Never printed: {@link #toString}
 * shows only where the keys came from.
 *
 * @param accessKeyId null for the default chain
 * @param secretAccessKey null for the default chain
 * @param source where the keys came from, for messages (variable names, never values)
 */
public record S3Credentials(
    @Nullable String accessKeyId, @Nullable String secretAccessKey, String source) {
  /** The setting that names the access key's environment variable. */
  public static final String ACCESS_KEY_SETTING = "CAIRN_S3_ACCESS_KEY_ENV";

  /** The setting that names the secret's environment variable. */
  public static final String SECRET_KEY_SETTING = "CAIRN_S3_SECRET_KEY_ENV";

  /** The SDK's default chain: environment, profile files, container or instance roles. */
  public static S3Credentials defaultChain() {
    return new S3Credentials(
        null,
        null,
        "the AWS SDK default credential chain (AWS_ACCESS_KEY_ID, ~/.aws/credentials, roles);"
            + " or set "
            + ACCESS_KEY_SETTING
            + " and "
            + SECRET_KEY_SETTING);
  }

  /**
   * Reads the key and secret from the variables named {@code accessKeyEnv} and {@code secretKeyEnv}
   * of {@code environment}; both names null or blank means the default chain.
   */
  public static S3Credentials fromEnvironment(
      String accessKeyEnv, String secretKeyEnv, Map<String, String> environment) {
    boolean noAccess = accessKeyEnv == null || accessKeyEnv.isBlank();
    boolean noSecret = secretKeyEnv == null || secretKeyEnv.isBlank();
    if (noAccess && noSecret) {
      return defaultChain();
    }
    if (noAccess || noSecret) {
      throw new CairnException(
          "set both "
              + ACCESS_KEY_SETTING
              + " and "
              + SECRET_KEY_SETTING
              + " (the names of the environment variables holding the S3 key and secret), or"
              + " neither to use the AWS default credential chain");
    }
    String access = required(environment, accessKeyEnv, ACCESS_KEY_SETTING);
    String secret = required(environment, secretKeyEnv, SECRET_KEY_SETTING);
    return new S3Credentials(
        access,
        secret,
        "the environment variables "
            + accessKeyEnv
            + " and "
            + secretKeyEnv
            + " (named by "
            + ACCESS_KEY_SETTING
            + " and "
            + SECRET_KEY_SETTING
            + ")");
  }

  /** Whether the SDK's default chain finds the keys. */
  public boolean usesDefaultChain() {
    return accessKeyId == null;
  }

  @Override
  public String toString() {
    return "S3Credentials[from " + source + "]";
  }

  private static String required(Map<String, String> env, String name, String setting) {
    String value = env.get(name);
    if (value == null || value.isBlank()) {
      throw new CairnException(
          setting + " names the environment variable " + name + ", but it is not set or empty");
    }
    return value.strip();
  }
}
