package dev.cairn.bench;

import dev.cairn.store.S3Credentials;
import dev.cairn.store.S3Location;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The references the transfer bench runs beside Cairn, as their users run them: rclone (Debian's,
 * {@code --transfers 16}, its S3 remote defined by {@code RCLONE_CONFIG_CAIRNBENCH_*} variables, so
 * no config file holds the keys) and {@code aws s3 cp --recursive} (checksums when required).
 */
final class Tools {
  static final String REMOTE = "cairnbench";

  private Tools() {}

  /** {@code rclone copy FROM TO --transfers 16}; an S3 side is {@code cairnbench:bucket/key}. */
  static List<String> rclone(String from, String to, Path emptyConfig) {
    return List.of(
        "rclone", "copy", from, to, "--transfers", "16", "--config", emptyConfig.toString());
  }

  static String rcloneTarget(S3Location location, String key) {
    String prefix = location.prefix().isEmpty() ? "" : location.prefix() + "/";
    return REMOTE + ":" + location.bucket() + "/" + prefix + key;
  }

  static Map<String, String> rcloneEnvironment(S3Location location, S3Credentials creds) {
    String p = "RCLONE_CONFIG_" + REMOTE.toUpperCase(java.util.Locale.ROOT) + "_";
    Map<String, String> env = new HashMap<>();
    env.put(p + "TYPE", "s3");
    env.put(p + "PROVIDER", "Other");
    env.put(p + "REGION", location.region());
    env.put(p + "FORCE_PATH_STYLE", "true");
    // a CA bundle set for the AWS SDKs fails rclone's plain-HTTP client; the endpoint is ours
    env.put("AWS_CA_BUNDLE", "");
    location.endpoint().ifPresent(e -> env.put(p + "ENDPOINT", e.toString()));
    if (creds != null && !creds.usesDefaultChain()) {
      env.put(p + "ACCESS_KEY_ID", creds.accessKeyId());
      env.put(p + "SECRET_ACCESS_KEY", creds.secretAccessKey());
    } else {
      env.put(p + "ENV_AUTH", "true");
    }
    return env;
  }

  /** {@code aws s3 cp --recursive FROM TO} at the location's endpoint. */
  static List<String> aws(S3Location location, String from, String to) {
    List<String> command = new ArrayList<>();
    command.addAll(List.of("aws", "s3", "cp", "--recursive", "--only-show-errors"));
    command.addAll(List.of("--region", location.region()));
    location.endpoint().ifPresent(e -> command.addAll(List.of("--endpoint-url", e.toString())));
    command.add(from);
    command.add(to);
    return command;
  }

  /** {@code aws s3 rm --recursive}: batched deletes (1,000 keys a request) to clean up. */
  static List<String> awsRemove(S3Location location, String url) {
    List<String> command = new ArrayList<>();
    command.addAll(List.of("aws", "s3", "rm", "--recursive", "--only-show-errors"));
    command.addAll(List.of("--region", location.region()));
    location.endpoint().ifPresent(e -> command.addAll(List.of("--endpoint-url", e.toString())));
    command.add(url);
    return command;
  }

  static String awsUrl(S3Location location, String key) {
    String prefix = location.prefix().isEmpty() ? "" : location.prefix() + "/";
    return "s3://" + location.bucket() + "/" + prefix + key + "/";
  }
}
