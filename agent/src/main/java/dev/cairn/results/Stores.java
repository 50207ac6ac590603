package dev.cairn.results;

import dev.cairn.config.AgentSettings;
import dev.cairn.store.ObjectStore;
import dev.cairn.store.ObjectStores;
import dev.cairn.store.S3Credentials;
import java.io.IOException;
import java.util.Map;

/** Opens the object store the settings name, for the daemon, the CI client and the commands. */
public final class Stores {
  private Stores() {}

  /** The store of {@code CAIRN_STORE}, with the keys the settings name. */
  public static ObjectStore open(AgentSettings settings) throws IOException {
    return ObjectStores.open(settings.storeUrl(), credentials(settings, System.getenv()));
  }

  /**
   * Keys from the variables the settings name; when neither is set (and for folder stores), the AWS
   * SDK's default chain (profiles, instance roles).
   */
  public static S3Credentials credentials(AgentSettings settings, Map<String, String> env) {
    if (!settings.storeUrl().startsWith("s3:")
        || (env.get(settings.s3AccessKeyEnv()) == null
            && env.get(settings.s3SecretKeyEnv()) == null)) {
      return S3Credentials.defaultChain();
    }
    return S3Credentials.fromEnvironment(settings.s3AccessKeyEnv(), settings.s3SecretKeyEnv(), env);
  }
}
