package dev.cairn.ci;

import dev.cairn.Untrusted;
import dev.cairn.model.JobRecord;
import dev.cairn.model.JobState;
import dev.cairn.model.RunRequest;
import dev.cairn.model.RunState;
import dev.cairn.model.RunStatus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * What {@code ci await} leaves for GitLab: a JUnit XML report (one test case per trial and task,
 * failing with the reason; a trial early stopping stopped is skipped with its reason, never a
 * failure) for the test report view, and a dotenv report carrying the results commit.
 */
public final class CiReports {
  private static final Pattern RUN_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,200}");

  private CiReports() {}

  public static String junit(@Nullable RunStatus status, @Nullable String failure) {
    StringBuilder cases = new StringBuilder();
    int tests = 0;
    int failures = 0;
    int skipped = 0;
    if (status == null || status.jobs().isEmpty()) {
      tests = 1;
      String message =
          failure != null
              ? failure
              : status == null ? "no status" : status.state() + ": " + status.message();
      boolean failed = status == null || status.state() != RunState.SUCCEEDED;
      failures = failed ? 1 : 0;
      cases.append("    <testcase classname=\"cairn\" name=\"config.env\">\n");
      if (failed) {
        cases
            .append("      <failure type=\"")
            .append(status == null ? "Timeout" : xml(status.state().name()))
            .append("\" message=\"")
            .append(xml(message))
            .append("\">")
            .append(xml(message))
            .append("</failure>\n");
      }
      cases.append("    </testcase>\n");
    } else {
      for (JobRecord job : status.jobs()) {
        tests++;
        String reason = job.stoppedEarly() ? null : reason(job, failure);
        cases
            .append("    <testcase classname=\"cairn.")
            .append(xml(status.runId()))
            .append(job.trial().equals(job.task()) ? "" : "." + xml(job.task()))
            .append("\" name=\"")
            .append(xml(job.trial()))
            .append("\" time=\"")
            .append(job.elapsedS() == null ? 0 : job.elapsedS())
            .append("\">\n");
        if (reason != null) {
          failures++;
          String type = job.state() == JobState.COMPLETED ? "QualityGate" : job.state().name();
          cases
              .append("      <failure type=\"")
              .append(xml(type))
              .append("\" message=\"")
              .append(xml(reason))
              .append("\">")
              .append(
                  xml(
                      reason
                          + (job.errTail() == null
                              ? ""
                              : "\n\nerr (last lines):\n" + job.errTail())))
              .append("</failure>\n");
        }
        if (job.stoppedEarly()) {
          // not a failure, and no result to test: skipped, with the rung's verdict as the message
          skipped++;
          String why = stoppedReason(job);
          cases.append("      <skipped message=\"").append(xml(why)).append("\"/>\n");
        }
        cases.append("      <system-out>").append(xml(details(job))).append("</system-out>\n");
        cases.append("    </testcase>\n");
      }
    }
    String name = status == null ? "cairn" : "cairn " + status.runId();
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        + "<testsuites name=\"cairn\" tests=\""
        + tests
        + "\" failures=\""
        + failures
        + (skipped == 0 ? "" : "\" skipped=\"" + skipped)
        + "\">\n"
        + "  <testsuite name=\""
        + xml(name)
        + "\" tests=\""
        + tests
        + "\" failures=\""
        + failures
        + (skipped == 0 ? "" : "\" skipped=\"" + skipped)
        + "\">\n"
        + cases
        + "  </testsuite>\n</testsuites>\n";
  }

  /** Why a task failed, or null when it passed or early stopping stopped it (not a failure). */
  public static @Nullable String reason(JobRecord job, @Nullable String runFailure) {
    if (job.stoppedEarly()) {
      return null;
    }
    if (job.state() == JobState.COMPLETED) {
      if (Boolean.FALSE.equals(job.gatePassed())) {
        String metric = (job.gate() == null ? null : job.gate().metric());
        Double value = metric == null || job.metrics() == null ? null : job.metrics().get(metric);
        return "quality gate "
            + job.gate()
            + " missed: "
            + metric
            + " = "
            + (value == null ? "not reported" : String.format(Locale.ROOT, "%.4f", value));
      }
      return null;
    }
    if (runFailure != null) {
      return runFailure;
    }
    return "job "
        + job.state()
        + (job.exitCode() == null ? "" : " with exit code " + job.exitCode())
        + (job.reason() == null ? "" : " (" + job.reason() + ")")
        + " after "
        + job.attempts()
        + " attempt(s)";
  }

  /** "stopped early after 1 epoch(s): val/mIoU 0.1000 below the cut-off ...". */
  static String stoppedReason(JobRecord job) {
    String reason = job.reason();
    String why = reason == null ? "" : reason.replaceFirst("^stopped early: ", "");
    return "stopped early"
        + (job.epochsRun() == null ? "" : " after " + job.epochsRun() + " epoch(s)")
        + (why.isEmpty() ? "" : ": " + why);
  }

  private static String details(JobRecord job) {
    StringBuilder sb = new StringBuilder();
    sb.append("state ").append(job.state()).append(", attempts ").append(job.attempts());
    if (job.epochsRun() != null) {
      sb.append(", epochs run ").append(job.epochsRun());
    }
    if (job.schedulerId() != null) {
      sb.append(", scheduler job ").append(job.schedulerId());
    }
    Map<String, Double> m = job.metrics();
    if (m != null) {
      m.forEach(
          (k, v) ->
              sb.append("\n")
                  .append(k)
                  .append(" = ")
                  .append(String.format(Locale.ROOT, "%.4f", v)));
    }
    return sb.toString();
  }

  /**
   * {@code KEY=value} lines for GitLab's dotenv report, which later jobs get as variables. A value
   * is written only when it has its expected form (a run id, a known state, a full commit id): a
   * newline there would add a variable of anyone's choosing ({@code PATH}, {@code CI_DEBUG_TRACE}).
   */
  public static String dotenv(@Nullable RunStatus status) {
    StringBuilder sb = new StringBuilder();
    if (status != null && status.state() != null) {
      if (status.runId() != null && RUN_ID.matcher(status.runId()).matches()) {
        sb.append("CAIRN_RUN_ID=").append(status.runId()).append('\n');
      }
      sb.append("CAIRN_RUN_STATE=").append(status.state()).append('\n');
      if (RunRequest.isFullSha(status.resultsCommit())) {
        sb.append("CAIRN_RESULTS_COMMIT=").append(status.resultsCommit()).append('\n');
      }
    } else {
      sb.append("CAIRN_RUN_STATE=UNKNOWN\n");
    }
    return sb.toString();
  }

  public static void write(Path file, String text) throws IOException {
    if (file.toAbsolutePath().getParent() != null) {
      Files.createDirectories(file.toAbsolutePath().getParent());
    }
    Files.writeString(file, text, StandardCharsets.UTF_8);
  }

  private static String xml(String s) {
    return Untrusted.withEntities(
        s,
        (sb, c) -> {
          // characters XML 1.0 cannot hold, and terminal escapes, become '?'
          boolean allowed =
              c == '\n'
                  || c == '\t'
                  || (!Untrusted.isControl(c)
                      && !Character.isSurrogate(c)
                      && c != '\ufffe'
                      && c != '\uffff');
          sb.append(allowed ? c : '?');
        });
  }
}
