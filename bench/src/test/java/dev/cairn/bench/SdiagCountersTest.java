package dev.cairn.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.cairn.testing.ScriptedRunner;
import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SdiagCountersTest {

  @Test
  void parse_readsCountsByMessageTypeOnly() throws IOException {
    SdiagCounters counters = SdiagCounters.parse(ScriptedRunner.recorded("slurm", "sdiag.txt"));
    assertEquals(124, counters.count("REQUEST_SUBMIT_BATCH_JOB"));
    assertEquals(112, counters.count("REQUEST_JOB_INFO_SINGLE"));
    assertEquals(1, counters.count("REQUEST_PING"));
    assertEquals(12, counters.byType().size());
    assertEquals(0, counters.count("root"));
    assertEquals(526 - 9, counters.total());
  }

  @Test
  void minus_keepsWhatChanged() {
    SdiagCounters before = new SdiagCounters(Map.of("REQUEST_JOB_INFO", 5L, "REQUEST_PING", 1L));
    SdiagCounters after =
        new SdiagCounters(
            Map.of("REQUEST_JOB_INFO", 8L, "REQUEST_PING", 1L, "REQUEST_STATS_INFO", 1L));
    SdiagCounters diff = after.minus(before);
    assertEquals(Map.of("REQUEST_JOB_INFO", 3L, "REQUEST_STATS_INFO", 1L), diff.byType());
    assertEquals(3, diff.total());
  }

  @Test
  void parse_rejectsOutputWithoutRpcSection() {
    assertThrows(
        IllegalArgumentException.class,
        () -> SdiagCounters.parse("slurm_get_statistics: Unable to contact slurm controller\n"));
  }
}
