package dev.cairn.notify;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * Where a status's {@code target_url} and a note's link point: the run's {@code report.md} in its
 * results commit, in GitLab's repository view. A project named by path gives its web address at
 * once; one named by id asks GitLab once ({@code GET /projects/:id}), and until that succeeds the
 * posts go without a link rather than wait.
 */
final class Links {
  private final GitlabClient gitlab;
  private volatile String web;

  Links(URI base, String project, GitlabClient gitlab) {
    this.gitlab = gitlab;
    String path = URLDecoder.decode(project, StandardCharsets.UTF_8);
    this.web =
        base == null || path.isEmpty() || path.matches("\\d+")
            ? null
            : base.toString().replaceAll("/+$", "") + "/" + path;
  }

  /** The run's report in GitLab, or null before the run has a results commit. */
  String report(Post post) throws InterruptedException {
    if (post.resultsCommit() == null) {
      return null;
    }
    String root = web();
    return root == null
        ? null
        : root + "/-/blob/" + post.resultsCommit() + "/results/" + post.runId() + "/report.md";
  }

  private String web() throws InterruptedException {
    if (web == null && gitlab != null) {
      try {
        String url = gitlab.webUrl();
        if (url.startsWith("http://") || url.startsWith("https://")) {
          web = url.replaceAll("/+$", "");
        }
      } catch (java.io.IOException e) {
        return null;
      }
    }
    return web;
  }
}
