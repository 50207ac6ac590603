package dev.cairn.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Where a run's trials ran when its config routed them to clusters ({@code CLUSTER}), and what each
 * cluster spent. A run that routed nothing has no cluster on any trial, and the report, the summary
 * and {@code compare} show nothing of clusters for it.
 */
public final class Clusters {
  private Clusters() {}

  /**
   * What one cluster spent on a run: its trials, their elapsed time summed, and its cost in
   * GPU-hours, or in CPU-hours where none of its trials had a GPU (null when unknown).
   */
  public record Cost(
      String cluster, int trials, @Nullable Long elapsedS, @Nullable Double hours, boolean gpu) {
    /** {@code GPU-hours} or {@code CPU-hours}. */
    public String unit() {
      return gpu ? "GPU-hours" : "CPU-hours";
    }
  }

  /** Whether any trial of the runs carries a cluster. */
  public static boolean routed(List<RunReport> runs) {
    return runs.stream().flatMap(r -> r.trials().stream()).anyMatch(t -> t.cluster() != null);
  }

  /** The trial's cluster for a table cell; a dash for a trial without one. */
  static String of(TrialResult t) {
    return t.cluster() == null ? "-" : t.cluster();
  }

  /** Each cluster's cost, in the order the trials first name them. */
  public static List<Cost> costs(List<TrialResult> trials) {
    Map<String, List<TrialResult>> byCluster = new LinkedHashMap<>();
    for (TrialResult t : trials) {
      byCluster.computeIfAbsent(of(t), k -> new ArrayList<>()).add(t);
    }
    List<Cost> costs = new ArrayList<>();
    byCluster.forEach(
        (cluster, list) -> {
          boolean gpu = list.stream().anyMatch(t -> t.gpuHours() != null);
          Double hours = null;
          Long elapsed = null;
          for (TrialResult t : list) {
            Double h = gpu ? t.gpuHours() : t.cpuHours();
            if (h != null) {
              hours = (hours == null ? 0 : hours) + h;
            }
            if (t.elapsedS() != null) {
              elapsed = (elapsed == null ? 0 : elapsed) + t.elapsedS();
            }
          }
          costs.add(new Cost(cluster, list.size(), elapsed, hours, gpu));
        });
    return costs;
  }

  /** The table of each run's cost per cluster; the run column only for several runs. */
  static void write(Doc doc, List<RunReport> runs) {
    boolean several = runs.size() > 1;
    List<String> header = new ArrayList<>();
    if (several) {
      header.add("run");
    }
    header.addAll(List.of("cluster", "trials", "elapsed", "cost"));
    List<List<String>> rows = new ArrayList<>();
    for (RunReport run : runs) {
      for (Cost c : costs(run.trials())) {
        List<String> row = new ArrayList<>();
        if (several) {
          row.add(run.runId());
        }
        row.add(c.cluster());
        row.add(Integer.toString(c.trials()));
        row.add(Format.duration(c.elapsedS()));
        row.add(c.hours() == null ? "-" : Format.hours(c.hours()) + " " + c.unit());
        rows.add(row);
      }
    }
    doc.table(header, rows);
  }
}
