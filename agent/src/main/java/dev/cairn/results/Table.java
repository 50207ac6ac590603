package dev.cairn.results;

import dev.cairn.Untrusted;
import dev.cairn.model.JobRecord;
import dev.cairn.model.RunStatus;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The run summary table printed by {@code demo}, {@code status} and {@code ci await}: one row per
 * trial, and for a sweep of more than {@link #MAX_ROWS} trials one line per task with counts per
 * state, then its best trials and the first few that did not pass. A run whose config routes trials
 * to clusters ({@code CLUSTER}) gets a cluster column.
 */
public final class Table {
  /** The most trials listed one per row; larger sweeps are grouped by task. */
  public static final int MAX_ROWS = 12;

  /** The most trials of one task listed for not passing in a grouped table. */
  public static final int MAX_FAILED_ROWS = 5;

  private Table() {}

  public static String render(RunStatus status) {
    List<String[]> rows = new ArrayList<>();
    boolean sweep = status.jobs().stream().anyMatch(j -> !j.trial().equals(j.task()));
    boolean routed = status.jobs().stream().anyMatch(j -> j.cluster() != null);
    rows.add(
        withCluster(
            routed,
            "cluster",
            new String[] {
              sweep ? "trial" : "task", "state", "attempts", "metric", "gate", "elapsed", "peak mem"
            }));
    List<JobRecord> listed = status.jobs();
    Map<String, String> groups = new LinkedHashMap<>();
    if (listed.size() > MAX_ROWS) {
      groups = countsByTask(status);
      listed = notablePerTask(status);
    }
    for (JobRecord j : listed) {
      rows.add(
          withCluster(
              routed,
              j.cluster() == null ? "-" : Untrusted.forLog(j.cluster()),
              new String[] {
                Untrusted.forLog(j.trial()),
                j.state().name() + (j.activeStage() == null ? "" : " (" + j.activeStage() + ")"),
                Integer.toString(j.attempts()),
                keyMetric(j),
                j.gatePassed() == null ? "-" : (j.gatePassed() ? "pass" : "FAIL") + " " + j.gate(),
                j.elapsedS() == null ? "-" : j.elapsedS() + " s",
                j.maxRssMb() == null ? "-" : j.maxRssMb() + " MiB"
              }));
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
    if (!groups.isEmpty()) {
      groups.forEach(
          (task, counts) ->
              sb.append("  ")
                  .append(Untrusted.forLog(task))
                  .append(": ")
                  .append(counts)
                  .append('\n'));
      sb.append(
          "  best trials per task, and up to "
              + MAX_FAILED_ROWS
              + " per task that did not pass:\n");
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

  /** The row with {@code cluster} after its first cell where the run routes clusters. */
  private static String[] withCluster(boolean routed, String cluster, String[] row) {
    if (!routed) {
      return row;
    }
    String[] with = new String[row.length + 1];
    with[0] = row[0];
    with[1] = cluster;
    System.arraycopy(row, 1, with, 2, row.length - 1);
    return with;
  }

  /** "16 trials: 14 COMPLETED, 2 RUNNING" for each task, in the order of the status. */
  public static Map<String, String> countsByTask(RunStatus status) {
    Map<String, Map<String, Integer>> counts = new LinkedHashMap<>();
    for (JobRecord j : status.jobs()) {
      counts
          .computeIfAbsent(j.task(), k -> new TreeMap<>())
          .merge(j.state().name(), 1, Integer::sum);
    }
    Map<String, String> result = new LinkedHashMap<>();
    counts.forEach(
        (task, byState) -> {
          int n = byState.values().stream().mapToInt(Integer::intValue).sum();
          List<String> parts = new ArrayList<>();
          byState.forEach((state, c) -> parts.add(c + " " + state));
          result.put(task, n + " trial(s): " + String.join(", ", parts));
        });
    return result;
  }

  /**
   * The best two trials of each task by its gate's metric, then every trial that did not pass (a
   * trial stopped early is not one of them).
   */
  public static List<JobRecord> notablePerTask(RunStatus status) {
    Map<String, List<JobRecord>> byTask = new LinkedHashMap<>();
    status.jobs().forEach(j -> byTask.computeIfAbsent(j.task(), k -> new ArrayList<>()).add(j));
    List<JobRecord> result = new ArrayList<>();
    for (List<JobRecord> jobs : byTask.values()) {
      jobs.stream()
          .filter(j -> j.gateValue() != null)
          .sorted(Comparator.comparingDouble(Table::rank))
          .limit(2)
          .forEach(result::add);
      jobs.stream()
          .filter(j -> !result.contains(j))
          // a trial early stopping stopped did not fail: it is counted, never listed as one
          .filter(
              j ->
                  !Boolean.TRUE.equals(j.gatePassed())
                      && j.state().isTerminal()
                      && !j.stoppedEarly())
          .limit(MAX_FAILED_ROWS)
          .forEach(result::add);
    }
    return result;
  }

  /** Best first: the gate's value, negated where higher is better; trials without one last. */
  private static double rank(JobRecord j) {
    Double value = j.gateValue();
    if (value == null) {
      return Double.POSITIVE_INFINITY;
    }
    return lowerIsBetter(j) ? value : -value;
  }

  private static boolean lowerIsBetter(JobRecord j) {
    return j.gate() != null && j.gate().operator().startsWith("<");
  }

  /** The metric the task's gate names, else the first test metric. */
  public static String keyMetric(JobRecord j) {
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
