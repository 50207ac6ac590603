package dev.cairn.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Liveness follows the loop's progress, and no instant a bucket holds breaks the metrics. */
class HealthTest {
  private final double tickBefore = Metrics.lastTick;
  private final double progressBefore = Metrics.lastProgress;

  @AfterEach
  void restore() {
    Metrics.lastTick = tickBefore;
    Metrics.lastProgress = progressBefore;
  }

  @Test
  void live_staysOkWhileALongPassMakesProgress() {
    try (Health health =
        new Health(Duration.ofSeconds(30), Duration.ZERO, Duration.ZERO, Map.of())) {
      Metrics.lastTick = Metrics.now() - 600;
      Metrics.lastProgress = 0;
      assertEquals(503, health.live().status());
      Metrics.progressed();
      assertEquals(200, health.live().status());
    }
  }

  @Test
  void runFinished_takesAnyInstantWithoutOverflow() {
    for (Instant at :
        new Instant[] {
          Instant.MAX, Instant.MIN, Instant.parse("+1000000000-12-31T23:59:59Z"), Instant.EPOCH
        }) {
      Metrics.runFinished("FAILED", at);
      Metrics.oldestUnhandled(at);
    }
  }
}
