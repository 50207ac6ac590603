package dev.cairn.notify;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * Where a status's {@code target_url} and a note's link point: the run's {@code report.md} in its
 * results commit, in GitLab's repository view. A project named by path gives its web address at
 * once; one named by id asks GitLab once ({@code GET /projects/:id}), and until that succeeds the
 * posts go without a link rather than wait.
 */
final class Links {
  private final @Nullable GitlabClient gitlab;
  private volatile @Nullable String web;

  Links(@Nullable URI base, String project, @Nullable GitlabClient gitlab) {
    this.gitlab = gitlab;
    String path = URLDecoder.decode(project, StandardCharsets.UTF_8);
    this.web =
        base == null || path.isEmpty() || path.matches("\\d+")
            ? null
            : base.toString().replaceAll("/+$", "") + "/" + path;
  }

  /** The run's report in GitLab, or null before the run has a results commit. */
  @Nullable String report(Post post) throws InterruptedException {
    String commit = post.resultsCommit();
    if (commit == null) {
      return null;
    }
    String root = web();
    return root == null
        ? null
        : root + "/-/blob/" + commit + "/results/" + post.runId() + "/report.md";
  }

  private @Nullable String web() throws InterruptedException {
    String known = web;
    if (known == null && gitlab != null) {
      try {
        String url = gitlab.webUrl();
        if (url.startsWith("http://") || url.startsWith("https://")) {
          known = url.replaceAll("/+$", "");
          web = known;
        }
      } catch (java.io.IOException e) {
        return null;
      }
    }
    return known;
  }
}
