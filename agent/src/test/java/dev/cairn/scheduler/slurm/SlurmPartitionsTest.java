package dev.cairn.scheduler.slurm;

import static dev.cairn.testing.ScriptedRunner.recorded;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.cairn.testing.ScriptedRunner;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The partitions a SLURM agent announces, from sinfo's output. */
class SlurmPartitionsTest {
  private final ScriptedRunner runner = new ScriptedRunner();

  private SlurmScheduler slurm(String binDir) {
    return new SlurmScheduler(
        runner,
        new SlurmOptions(
            binDir + "sbatch",
            binDir + "squeue",
            binDir + "sacct",
            binDir + "scontrol",
            binDir + "scancel",
            List.of(),
            Duration.ofSeconds(5),
            Map.of("PATH", "/usr/bin")));
  }

  @Test
  void partitions_areSinfosNamesOnceEach() throws Exception {
    runner.answer(0, recorded("slurm", "sinfo-partitions.txt"), "");
    assertEquals(List.of("debug", "gpu", "cpu", "long"), slurm("").partitions());
    assertEquals(List.of(List.of("sinfo", "--noheader", "--format=%R")), runner.calls);
  }

  @Test
  void partitions_sinfoComesFromTheFolderOfTheOtherCommands() throws Exception {
    runner.answer(0, "gpu\n", "");
    assertEquals(List.of("gpu"), slurm("/opt/slurm/bin/").partitions());
    assertEquals("/opt/slurm/bin/sinfo", runner.calls.get(0).get(0));
  }

  @Test
  void partitions_aControllerThatDoesNotAnswerThrows() {
    runner.answer(
        1, "", "slurm_load_partitions: Unable to contact slurm controller (connect failure)\n");
    assertThrows(IOException.class, () -> slurm("").partitions());
  }
}
