package dev.cairn.notify;

import dev.cairn.CairnException;
import dev.cairn.config.GitlabSettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Map;
import java.util.Set;

/**
 * Reads the GitLab token: from {@code CAIRN_GITLAB_TOKEN_FILE} (a file only its owner may read)
 * when set, else from the environment variable {@code CAIRN_GITLAB_TOKEN_ENV} names. Messages name
 * the file or the variable, never the value.
 */
final class GitlabToken {
  private GitlabToken() {}

  static String read(GitlabSettings settings, Map<String, String> env) {
    Path file = settings.tokenFile();
    if (file != null) {
      return fromFile(file);
    }
    String value = env.get(settings.tokenEnv());
    if (value == null || value.isBlank()) {
      throw new CairnException(
          "environment variable "
              + settings.tokenEnv()
              + " holds no GitLab token; export a project access token (api scope, Developer"
              + " role) there, or set CAIRN_GITLAB_TOKEN_FILE to a file holding it");
    }
    return value.strip();
  }

  private static String fromFile(Path file) {
    try {
      Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
      for (PosixFilePermission p : perms) {
        if (p.name().startsWith("GROUP") || p.name().startsWith("OTHERS")) {
          throw new CairnException(
              "CAIRN_GITLAB_TOKEN_FILE "
                  + file
                  + " may be read by others; make it the owner's alone: chmod 600 "
                  + file);
        }
      }
    } catch (UnsupportedOperationException e) {
      // no POSIX permissions on this file system: nothing to check
    } catch (IOException e) {
      throw unreadable(file, e);
    }
    try {
      String token = Files.readString(file, StandardCharsets.UTF_8).strip();
      if (token.isEmpty() || token.contains("\n")) {
        throw new CairnException(
            "CAIRN_GITLAB_TOKEN_FILE " + file + " must hold the token alone, on one line");
      }
      return token;
    } catch (IOException e) {
      throw unreadable(file, e);
    }
  }

  private static CairnException unreadable(Path file, IOException e) {
    return new CairnException(
        "cannot read CAIRN_GITLAB_TOKEN_FILE "
            + file
            + " ("
            + e.getClass().getSimpleName()
            + "); set it to a readable file holding the token");
  }
}
