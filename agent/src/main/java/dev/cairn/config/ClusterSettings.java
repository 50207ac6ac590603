package dev.cairn.config;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which cluster an agent serves when one bucket feeds several: its name ({@code CAIRN_CLUSTER}),
 * how long a run waits for a cluster whose agent went quiet ({@code CAIRN_CLUSTER_WAIT}), and the
 * scheduler it runs its share on ({@code CAIRN_SCHEDULER}; empty for the config's {@code
 * SCHEDULER}).
 */
public record ClusterSettings(String name, Duration quietWait, String scheduler) {
  public static final ClusterSettings DEFAULT =
      new ClusterSettings(ExperimentConfig.DEFAULT_CLUSTER, Duration.ofHours(24), "");

  private static final Pattern DURATION = Pattern.compile("(\\d{1,9})\\s*([smhd]?)");

  static void defaults(Map<String, String> defaults) {
    defaults.put("CAIRN_CLUSTER", ExperimentConfig.DEFAULT_CLUSTER);
    defaults.put("CAIRN_CLUSTER_WAIT", "24h");
    defaults.put("CAIRN_SCHEDULER", "");
  }

  static ClusterSettings read(Map<String, String> v, List<String> problems) {
    String name = SettingChecks.value(v, "CAIRN_CLUSTER").strip();
    try {
      name = Checks.name(false).apply(name);
    } catch (IllegalArgumentException e) {
      problems.add("CAIRN_CLUSTER='" + name + "' is not allowed: " + e.getMessage());
    }
    Duration wait = DEFAULT.quietWait();
    String raw = SettingChecks.value(v, "CAIRN_CLUSTER_WAIT").strip();
    try {
      wait = duration(raw);
    } catch (IllegalArgumentException e) {
      problems.add("CAIRN_CLUSTER_WAIT='" + raw + "' is not allowed: " + e.getMessage());
    }
    String scheduler = SettingChecks.value(v, "CAIRN_SCHEDULER").strip();
    if (!scheduler.isEmpty() && !List.of(SchedulerName.ids()).contains(scheduler)) {
      problems.add(
          "CAIRN_SCHEDULER='"
              + scheduler
              + "' is not allowed: use "
              + SchedulerName.choices()
              + ", or leave it empty for the config's SCHEDULER");
    }
    return new ClusterSettings(name, wait, scheduler);
  }

  /** {@code 90s}, {@code 30m}, {@code 24h}, {@code 2d}, or seconds without a unit; at least 1 s. */
  static Duration duration(String value) {
    Matcher m = DURATION.matcher(value.toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "use a number of seconds, or a number with s, m, h or d (24h, 90m)");
    }
    long n = Long.parseLong(m.group(1));
    Duration d =
        switch (m.group(2)) {
          case "m" -> Duration.ofMinutes(n);
          case "h" -> Duration.ofHours(n);
          case "d" -> Duration.ofDays(n);
          default -> Duration.ofSeconds(n);
        };
    if (d.isZero()) {
      throw new IllegalArgumentException("use at least one second");
    }
    return d;
  }

  /** The scheduler this agent runs its share on: its own where set, else the config's. */
  public String schedulerFor(String configScheduler) {
    return scheduler.isEmpty() ? configScheduler : scheduler;
  }
}
