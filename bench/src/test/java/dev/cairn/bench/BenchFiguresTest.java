package dev.cairn.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The lines the transfer and latency benches print: medians, ratios and bounds. */
class BenchFiguresTest {
  private static List<Duration> seconds(double... s) {
    return java.util.Arrays.stream(s).mapToObj(x -> Duration.ofMillis((long) (x * 1000))).toList();
  }

  @Test
  void transfer_medianOfEachTool_andCairnsRatioToEachReference() {
    Map<String, List<Duration>> times = new LinkedHashMap<>();
    times.put("cairn", seconds(9.0, 2.0, 3.0));
    times.put("rclone", seconds(4.0, 5.0, 4.5));
    times.put("aws", seconds(8.0, 7.0, 6.0));
    TransferBench.Result r =
        new TransferBench.Result(
            TransferBench.Direction.UP, new TransferBench.Shape(1000, 1 << 20), times);

    assertEquals(Duration.ofSeconds(3), r.median("cairn"));
    assertEquals(1.5, r.ratio("rclone"), 1e-9);
    assertEquals(7.0 / 3.0, r.ratio("aws"), 1e-9);
    String line = r.format();
    assertTrue(line.startsWith("up 1,000 x 1 MiB (1048.6 MB): cairn 3.00 s"), line);
    assertTrue(line.contains("(rounds 9.00, 2.00, 3.00)"), line);
    assertTrue(line.endsWith("cairn/rclone 1.50x; cairn/aws 2.33x"), line);
  }

  @Test
  void latency_medianAgainstItsBound() {
    LatencyBench.Case hooked =
        new LatencyBench.Case("webhook", seconds(0.4, 3.5, 0.3, 0.5, 0.6), Duration.ofSeconds(2));
    assertEquals(Duration.ofMillis(500), hooked.median());
    assertTrue(hooked.format().endsWith("bound 2.0 s: kept"), hooked.format());
    LatencyBench.Case slow = new LatencyBench.Case("idle", seconds(62.0), Duration.ofSeconds(61));
    assertTrue(slow.format().endsWith("bound 61.0 s: MISSED"), slow.format());
  }
}
