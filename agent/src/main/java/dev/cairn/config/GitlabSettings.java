package dev.cairn.config;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Where the agent reports runs besides {@code status.json}: GitLab's commit statuses and merge
 * request notes (off while {@code CAIRN_GITLAB_URL} is empty) and a chat webhook ({@code
 * CAIRN_NOTIFY_WEBHOOK}). The token is never a value here: only the file or the environment
 * variable that holds it.
 *
 * @param url the GitLab instance, such as {@code https://gitlab.example.com}; null when off
 * @param project the project's numeric id or its path ({@code group/project}), not yet encoded
 * @param tokenFile a file only its owner can read holding the token; null to read {@code tokenEnv}
 * @param tokenEnv the name of the environment variable holding the token
 * @param taskStatuses also post one status per trial, named {@code cairn/<trial>}
 * @param webhook a chat incoming webhook told of each run's end; null when off
 */
public record GitlabSettings(
    @Nullable URI url,
    String project,
    @Nullable Path tokenFile,
    String tokenEnv,
    boolean taskStatuses,
    @Nullable URI webhook) {

  public boolean enabled() {
    return url != null;
  }

  static void defaults(Map<String, String> defaults) {
    defaults.put("CAIRN_GITLAB_URL", "");
    defaults.put("CAIRN_GITLAB_PROJECT", "");
    defaults.put("CAIRN_GITLAB_TOKEN_FILE", "");
    defaults.put("CAIRN_GITLAB_TOKEN_ENV", "CAIRN_GITLAB_TOKEN");
    defaults.put("CAIRN_GITLAB_TASK_STATUSES", "false");
    defaults.put("CAIRN_NOTIFY_WEBHOOK", "");
  }

  static GitlabSettings read(
      Map<String, String> v, @Nullable Path tokenFile, List<String> problems) {
    SettingChecks.oneOf("CAIRN_GITLAB_TASK_STATUSES", v, problems, "true", "false");
    URI url = httpUrl("CAIRN_GITLAB_URL", v, "https://gitlab.example.com", problems);
    String project = SettingChecks.value(v, "CAIRN_GITLAB_PROJECT").strip();
    if (url != null && project.isEmpty()) {
      problems.add(
          "CAIRN_GITLAB_PROJECT is empty but CAIRN_GITLAB_URL is set; set it to the project's id"
              + " (Settings > General) or its path, such as group/project");
    } else if (!project.matches("|\\d+|\\w[\\w.-]*((/|%2F)\\w[\\w.-]*)+")) {
      problems.add(
          "CAIRN_GITLAB_PROJECT='"
              + project
              + "' is not allowed: use the project's numeric id or its path, such as group/project");
    }
    URI webhook =
        httpUrl("CAIRN_NOTIFY_WEBHOOK", v, "https://chat.example.com/hooks/...", problems);
    return new GitlabSettings(
        url,
        project,
        tokenFile,
        SettingChecks.value(v, "CAIRN_GITLAB_TOKEN_ENV"),
        Boolean.parseBoolean(SettingChecks.value(v, "CAIRN_GITLAB_TASK_STATUSES")),
        webhook);
  }

  private static @Nullable URI httpUrl(
      String key, Map<String, String> v, String example, List<String> p) {
    String s = SettingChecks.value(v, key).strip();
    if (s.isEmpty()) {
      return null;
    }
    try {
      URI uri = new URI(s);
      if (("https".equals(uri.getScheme()) || "http".equals(uri.getScheme()))
          && uri.getHost() != null
          && uri.getUserInfo() == null) {
        return uri;
      }
    } catch (java.net.URISyntaxException e) {
      // reported below
    }
    // the webhook's URL holds its secret: name the key, never the value
    p.add(
        key
            + " is not an http(s) URL with a host and no user; set it to a URL such as "
            + example
            + ", or leave it empty");
    return null;
  }

  @Override
  public String toString() {
    return "GitlabSettings[url="
        + url
        + ", project="
        + project
        + ", tokenFile="
        + tokenFile
        + ", tokenEnv="
        + tokenEnv
        + ", taskStatuses="
        + taskStatuses
        + ", webhook="
        + (webhook == null ? "off" : webhook.getScheme() + "://" + webhook.getHost() + "/...")
        + "]";
  }
}
