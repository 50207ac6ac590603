package dev.cairn.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cairn.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Liveness follows the loop's progress, and no instant a bucket holds breaks the metrics. */
class HealthTest {
  private final ManualClock clock = new ManualClock(Instant.parse("2026-12-07T02:00:00Z"));
  private final PrometheusMetrics metrics = new PrometheusMetrics(clock);

  @Test
  void live_staysOkWhileALongPassMakesProgress() {
    try (Health health =
        new Health(metrics, Duration.ofSeconds(30), Duration.ZERO, Duration.ZERO, Map.of())) {
      metrics.tick(System.nanoTime());
      assertEquals(200, health.live().status());
      clock.advance(Duration.ofSeconds(600));
      assertEquals(503, health.live().status());
      metrics.progressed();
      assertEquals(200, health.live().status());
    }
  }

  @Test
  void live_isUnhealthyWhenNoPassEndsWithinTheLimitOfTheStart() {
    try (Health health =
        new Health(metrics, Duration.ofSeconds(30), Duration.ZERO, Duration.ZERO, Map.of())) {
      assertEquals(200, health.live().status());
      clock.advance(Duration.ofSeconds(31));
      assertEquals(503, health.live().status());
    }
  }

  @Test
  void runFinished_takesAnyInstantWithoutOverflow() {
    for (Instant at :
        new Instant[] {
          Instant.MAX, Instant.MIN, Instant.parse("+1000000000-12-31T23:59:59Z"), Instant.EPOCH
        }) {
      metrics.runFinished("FAILED", at);
      metrics.oldestUnhandled(at);
    }
  }
}
