package dev.cairn.bench;

import dev.cairn.store.S3Credentials;
import dev.cairn.store.S3Location;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The aws CLI as the transfer bench runs it: checksums only when required, as Cairn's client sends
 * them; and whether a command is on the PATH.
 */
final class AwsCli {
  private AwsCli() {}

  static Map<String, String> awsEnvironment(S3Location location, S3Credentials creds) {
    Map<String, String> env = new HashMap<>();
    env.put("AWS_REQUEST_CHECKSUM_CALCULATION", "when_required");
    env.put("AWS_RESPONSE_CHECKSUM_VALIDATION", "when_required");
    env.put("AWS_DEFAULT_REGION", location.region());
    if (creds != null && !creds.usesDefaultChain()) {
      env.put("AWS_ACCESS_KEY_ID", creds.accessKeyId());
      env.put("AWS_SECRET_ACCESS_KEY", creds.secretAccessKey());
    }
    return env;
  }

  static boolean onPath(String command) {
    String path = System.getenv("PATH");
    if (path == null) {
      return false;
    }
    for (String dir : path.split(File.pathSeparator)) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, command))) {
        return true;
      }
    }
    return false;
  }
}
