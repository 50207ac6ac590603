package dev.cairn.bench;

import dev.cairn.scheduler.CommandRunner;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * slurmctld's RPC counters by message type, as {@code sdiag} prints them. They count from the
 * controller's start (or {@code sdiag --reset}), so a measure is the difference of two readings.
 */
public record SdiagCounters(Map<String, Long> byType) {

  /** sdiag's own request, left out of every total. */
  public static final String STATS_REQUEST = "REQUEST_STATS_INFO";

  private static final Pattern LINE =
      Pattern.compile("^\\s+([A-Z_0-9]+)\\s+\\(\\s*\\d+\\)\\s+count:(\\d+)\\b.*$");

  public SdiagCounters {
    byType = Map.copyOf(byType);
  }

  /** Runs sdiag once and reads the section "Remote Procedure Call statistics by message type". */
  public static SdiagCounters read(CommandRunner runner, String sdiag, Duration timeout)
      throws IOException, InterruptedException {
    CommandRunner.Result result = runner.run(List.of(sdiag), timeout);
    if (!result.ok()) {
      throw new IOException(result.describe());
    }
    return parse(result.stdout());
  }

  static SdiagCounters parse(String stdout) {
    Map<String, Long> counts = new TreeMap<>();
    boolean inSection = false;
    for (String line : stdout.lines().toList()) {
      if (line.startsWith("Remote Procedure Call statistics by message type")) {
        inSection = true;
        continue;
      }
      if (inSection && !line.isBlank() && !Character.isWhitespace(line.charAt(0))) {
        break;
      }
      Matcher m = LINE.matcher(line);
      if (inSection && m.matches()) {
        counts.put(m.group(1), Long.parseLong(m.group(2)));
      }
    }
    if (!inSection) {
      throw new IllegalArgumentException("sdiag printed no RPC statistics by message type");
    }
    return new SdiagCounters(counts);
  }

  public long count(String type) {
    return byType.getOrDefault(type, 0L);
  }

  /** RPCs of every type but sdiag's own. */
  public long total() {
    return byType.entrySet().stream()
        .filter(e -> !e.getKey().equals(STATS_REQUEST))
        .mapToLong(Map.Entry::getValue)
        .sum();
  }

  /** What happened between {@code earlier} and this reading. */
  public SdiagCounters minus(SdiagCounters earlier) {
    Map<String, Long> diff = new TreeMap<>();
    byType.forEach(
        (type, count) -> {
          long d = count - earlier.count(type);
          if (d != 0) {
            diff.put(type, d);
          }
        });
    return new SdiagCounters(diff);
  }
}
