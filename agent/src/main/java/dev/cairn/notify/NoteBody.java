package dev.cairn.notify;

import dev.cairn.Untrusted;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The merge-request note of a finished run: a hidden marker (how the agent finds its note again and
 * updates it instead of adding another), a headline with the verdict and the links, then the run's
 * {@code report.md} from its results commit (leaderboards per task, gate verdicts, changes against
 * the baseline) with its charts pointing at project uploads. Cut to GitLab's note size.
 */
final class NoteBody {
  /** Starts every note the agent writes; HTML comments are not shown in GitLab's Markdown. */
  static final String MARKER = "<!-- cairn:run-report -->";

  private static final Pattern CHART = Pattern.compile("\\]\\(charts/([A-Za-z0-9._-]+\\.png)\\)");

  private NoteBody() {}

  /** The charts {@code report} links, by file name. */
  static Map<String, String> charts(String report) {
    Map<String, String> names = new LinkedHashMap<>();
    Matcher m = CHART.matcher(report);
    while (m.find()) {
      names.put(m.group(1), "charts/" + m.group(1));
    }
    return names;
  }

  /**
   * @param report the run's report.md, or null where there is none (no results commit)
   * @param uploads the upload URL of each chart by file name; a chart missing here is dropped
   * @param link the report in GitLab's repository view, or null
   */
  static String render(
      Post post, @Nullable String report, Map<String, String> uploads, @Nullable String link) {
    StringBuilder md = new StringBuilder(MARKER).append("\n");
    md.append("### Cairn: ")
        .append(post.runState())
        .append(" — run `")
        .append(Untrusted.oneLine(post.runId(), 200))
        .append("`\n\n");
    md.append(escape(post.description())).append("\n\n");
    String resultsCommit = post.resultsCommit();
    if (resultsCommit != null) {
      md.append("Results commit `").append(resultsCommit, 0, 12).append("`");
      md.append(link == null ? "" : " · [full report](" + link + ")").append(".");
      md.append(" This note is updated by each run of the merge request's commits.\n\n");
    }
    if (report == null) {
      md.append("_No report: the run published no results commit._\n");
    } else {
      Matcher m = CHART.matcher(report);
      StringBuilder body = new StringBuilder();
      while (m.find()) {
        String url = uploads.get(m.group(1));
        m.appendReplacement(
            body,
            Matcher.quoteReplacement(url == null ? "](#chart-not-uploaded)" : "](" + url + ")"));
      }
      m.appendTail(body);
      md.append(body);
    }
    return fit(md.toString(), link);
  }

  /** Cuts at a line end so the note stays within GitLab's limit, and says so. */
  static String fit(String body, @Nullable String link) {
    if (body.length() <= GitlabClient.NOTE_MAX_CHARS) {
      return body;
    }
    String tail =
        "\n\n_The report is longer than a GitLab note may be; it is cut here."
            + (link == null ? "" : " The whole report: " + link)
            + "_\n";
    int end = body.lastIndexOf('\n', GitlabClient.NOTE_MAX_CHARS - tail.length());
    return body.substring(0, Math.max(0, end)) + tail;
  }

  static @Nullable String text(byte @Nullable [] bytes) {
    return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
  }

  /** Committer-written text in the headline: one line, no Markdown or HTML. */
  private static String escape(String text) {
    String one = Untrusted.oneLine(text, 500);
    return one == null ? "" : one.replaceAll("([\\\\`*_\\[\\]<>|~&#!])", "\\\\$1");
  }
}
