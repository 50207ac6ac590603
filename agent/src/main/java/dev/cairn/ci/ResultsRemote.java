package dev.cairn.ci;

import dev.cairn.config.AgentSettings;
import dev.cairn.git.GitAuth;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Where {@code ci await} reads results from: a URL and the credentials for it. */
public record ResultsRemote(String url, GitAuth auth) {

  /**
   * The experiment repository that results are read from: {@code repoUrl} (the --repo-url option),
   * else CAIRN_REPO_REMOTE (with the agent's Git credentials), else CI_REPOSITORY_URL; null when
   * none.
   */
  public static @Nullable ResultsRemote of(AgentSettings settings, @Nullable String repoUrl) {
    Map<String, String> env = System.getenv();
    String url = repoUrl;
    GitAuth auth = GitAuth.none();
    if (url == null && !settings.repoRemote().isBlank()) {
      url = settings.repoRemote();
      if (env.get(settings.gitTokenEnv()) != null || settings.gitSshKey() != null) {
        auth =
            GitAuth.forUrl(
                url,
                settings.gitUser(),
                settings.gitTokenEnv(),
                settings.gitSshKey(),
                null,
                true,
                env);
      }
    }
    if (url == null) {
      url = env.get("CI_REPOSITORY_URL");
    }
    return url == null || url.isBlank() ? null : new ResultsRemote(url, auth);
  }
}
