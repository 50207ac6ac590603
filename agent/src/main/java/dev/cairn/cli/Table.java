package dev.cairn.cli;

import dev.cairn.Untrusted;
import dev.cairn.publish.JobRecord;
import dev.cairn.publish.RunStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The run summary table printed by {@code demo}, {@code status} and {@code ci await}. */
public final class Table {
  private Table() {}

  public static String render(RunStatus status) {
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"task", "state", "attempts", "metric", "gate", "elapsed", "peak mem"});
    for (JobRecord j : status.jobs()) {
      rows.add(
          new String[] {
            Untrusted.forLog(j.task()),
            j.state().name(),
            Integer.toString(j.attempts()),
            keyMetric(j),
            j.gatePassed() == null ? "-" : (j.gatePassed() ? "pass" : "FAIL") + " " + j.gate(),
            j.elapsedS() == null ? "-" : j.elapsedS() + " s",
            j.maxRssMb() == null ? "-" : j.maxRssMb() + " MiB"
          });
    }
    int[] width = new int[rows.get(0).length];
    for (String[] r : rows) {
      for (int i = 0; i < r.length; i++) {
        width[i] = Math.max(width[i], r[i].length());
      }
    }
    StringBuilder sb = new StringBuilder();
    sb.append("run ")
        .append(Untrusted.forLog(status.runId()))
        .append(" (commit ")
        .append(Untrusted.forLog(shortSha(status.commit())))
        .append("): ")
        .append(status.state())
        .append('\n');
    if (status.message() != null) {
      sb.append("  ").append(Untrusted.forLog(status.message())).append('\n');
    }
    for (int r = 0; r < rows.size(); r++) {
      StringBuilder line = new StringBuilder("  ");
      for (int i = 0; i < width.length; i++) {
        line.append(String.format("%-" + width[i] + "s", rows.get(r)[i]));
        if (i < width.length - 1) {
          line.append("  ");
        }
      }
      sb.append(line.toString().stripTrailing()).append('\n');
    }
    if (status.resultsCommit() != null) {
      sb.append("results commit ").append(Untrusted.forLog(status.resultsCommit())).append('\n');
    }
    return sb.toString().stripTrailing();
  }

  /** The metric the task's gate names, else the first test metric. */
  static String keyMetric(JobRecord j) {
    Map<String, Double> m = j.metrics();
    if (m == null || m.isEmpty()) {
      return "-";
    }
    String name = (j.gate() == null ? null : j.gate().metric());
    if (name == null || !m.containsKey(name)) {
      name = m.keySet().iterator().next();
    }
    return name + "=" + String.format(Locale.ROOT, "%.3f", m.get(name));
  }

  private static String shortSha(String sha) {
    return sha != null && sha.length() > 8 ? sha.substring(0, 8) : String.valueOf(sha);
  }
}
