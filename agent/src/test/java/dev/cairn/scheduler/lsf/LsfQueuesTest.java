package dev.cairn.scheduler.lsf;

import static dev.cairn.testing.ScriptedRunner.recorded;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.cairn.testing.ScriptedRunner;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The queues an LSF agent announces, from bqueues' documented output. */
class LsfQueuesTest {
  private final ScriptedRunner runner = new ScriptedRunner();
  private final LsfScheduler lsf =
      new LsfScheduler(
          runner,
          new LsfOptions(
              "/opt/lsf/bin", "bsub", List.of(), Duration.ofSeconds(5), Map.of("PATH", "/bin")));

  @Test
  void partitions_areBqueuesQueueNamesWithoutTheHeader() throws Exception {
    runner.answer(0, recorded("lsf", "bqueues-w.txt"), "");
    assertEquals(
        List.of("owners", "priority", "night", "short", "gpu_long_24h", "normal", "idle"),
        lsf.partitions());
    assertEquals(List.of(List.of("/opt/lsf/bin/bqueues", "-w")), runner.calls);
  }

  @Test
  void partitions_noneWhereBqueuesIsMissing_butAFailingOneThrows() throws Exception {
    runner.failWith(new IOException("Cannot run program \"bqueues\": error=2, No such file"));
    assertEquals(List.of(), lsf.partitions());
    runner.answer(255, "", "LSF is down. Please wait ...\n");
    assertThrows(IOException.class, lsf::partitions);
  }

  @Test
  void queues_ignoresBlankLinesAndAnEmptyAnswer() {
    assertEquals(List.of(), LsfOutput.queues(""));
    assertEquals(
        List.of("normal"), LsfOutput.queues("\nQUEUE_NAME PRIO\n  normal 30 Open:Active\n"));
  }
}
