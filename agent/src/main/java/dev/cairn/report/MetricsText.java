package dev.cairn.report;

import java.util.Locale;
import java.util.Map;

/**
 * GitLab's metrics report ({@code artifacts:reports:metrics}): one line per metric in the
 * Prometheus/OpenMetrics text format, {@code test_miou{task="crop_classification",trial="..."}
 * 0.41}, labelled by task and trial only so that a merge request lines it up with the target
 * branch's.
 */
public final class MetricsText {
  private MetricsText() {}

  public static String render(RunReport run) {
    StringBuilder sb = new StringBuilder();
    for (TrialResult t : run.trials()) {
      String labels = "{task=\"" + label(t.task()) + "\",trial=\"" + label(t.trialId()) + "\"}";
      for (Map.Entry<String, Double> m : t.metrics().entrySet()) {
        line(sb, name(m.getKey()), labels, m.getValue());
      }
      if (t.elapsedS() != null) {
        line(sb, "elapsed_seconds", labels, t.elapsedS().doubleValue());
      }
      Double cost = t.gpuHours();
      if (cost != null) {
        line(sb, "gpu_hours", labels, cost);
      } else if (t.cpuHours() != null) {
        line(sb, "cpu_hours", labels, t.cpuHours());
      }
    }
    return sb.toString();
  }

  private static void line(StringBuilder sb, String name, String labels, Double value) {
    if (value != null && Double.isFinite(value)) {
      sb.append(name).append(labels).append(' ').append(number(value)).append('\n');
    }
  }

  /** A metric name as the format allows it: {@code test/mIoU} becomes {@code test_miou}. */
  static String name(String metric) {
    String s = metric.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_:]", "_");
    return s.isEmpty() || Character.isDigit(s.charAt(0)) ? "_" + s : s;
  }

  /** A label value with backslash, double quote and line feed escaped as the format requires. */
  static String label(String value) {
    if (value == null) {
      return "";
    }
    return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n").replace("\r", "");
  }

  private static String number(double v) {
    return java.math.BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
  }
}
