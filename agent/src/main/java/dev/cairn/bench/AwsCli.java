package dev.cairn.bench;

import dev.cairn.render.ShellQuote;
import dev.cairn.scheduler.CommandRunner;
import dev.cairn.store.S3Credentials;
import dev.cairn.store.S3Location;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The reference the upload bench measures against: {@code aws s3 cp --recursive}, timed by the
 * shell around the copy alone, with checksums only when required as Cairn's client sends them.
 */
final class AwsCli {
  private AwsCli() {}

  static List<String> awsCommand(S3Location location, Path folder, String key) {
    List<String> command = new ArrayList<>();
    command.add("aws");
    command.add("s3");
    command.add("cp");
    command.add("--recursive");
    command.add("--only-show-errors");
    command.add("--region");
    command.add(location.region());
    location.endpoint().ifPresent(e -> command.addAll(List.of("--endpoint-url", e.toString())));
    command.add(folder.toString());
    String prefix = location.prefix().isEmpty() ? "" : location.prefix() + "/";
    command.add("s3://" + location.bucket() + "/" + prefix + key + "/");
    // the elapsed time is measured around the copy only, by the shell's clock
    String quoted = String.join(" ", command.stream().map(ShellQuote::quote).toList());
    return List.of(
        "bash",
        "-c",
        "s=$(date +%s%N); "
            + quoted
            + " || exit $?; echo elapsed_ms=$(( ($(date +%s%N)-s)/1000000 ))");
  }

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

  static long elapsedMillis(CommandRunner.Result result) throws IOException {
    return result
        .stdout()
        .lines()
        .filter(l -> l.startsWith("elapsed_ms="))
        .map(l -> Long.parseLong(l.substring("elapsed_ms=".length()).strip()))
        .findFirst()
        .orElseThrow(() -> new IOException("no elapsed time from " + result.describe()));
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
