package dev.cairn.ci;

import dev.cairn.CairnException;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * GitLab's predefined variables as the ci commands read them; options given on the command line
 * win, so the commands also run outside CI.
 */
public record CiContext(
    String commit,
    @Nullable String branch,
    String pipeline,
    @Nullable String author,
    @Nullable String title) {

  public static CiContext from(
      Map<String, String> env, @Nullable String commit, @Nullable String branch) {
    String sha = commit != null ? commit : env.get("CI_COMMIT_SHA");
    if (sha == null || !sha.matches("[0-9a-f]{40}")) {
      throw new CairnException(
          "no commit to submit: CI_COMMIT_SHA='"
              + sha
              + "'; run in GitLab CI or pass --commit with a full sha");
    }
    String b =
        branch != null
            ? branch
            : env.getOrDefault("CI_COMMIT_BRANCH", env.get("CI_COMMIT_REF_NAME"));
    return new CiContext(
        sha,
        b,
        env.getOrDefault("CI_PIPELINE_ID", "local"),
        env.getOrDefault("CI_COMMIT_AUTHOR", env.get("GITLAB_USER_NAME")),
        env.get("CI_COMMIT_TITLE"));
  }
}
