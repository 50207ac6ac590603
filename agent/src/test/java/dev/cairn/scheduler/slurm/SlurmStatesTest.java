package dev.cairn.scheduler.slurm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.cairn.model.JobState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SlurmStatesTest {

  @ParameterizedTest
  @CsvSource({
    "PENDING, PENDING",
    "PD, PENDING",
    "CONFIGURING, PENDING",
    "RUNNING, RUNNING",
    "R, RUNNING",
    "REQUEUED, REQUEUED",
    "RQ, REQUEUED",
    "REQUEUE_HOLD, REQUEUED",
    "REQUEUE_FED, REQUEUED",
    "RESIZING, RUNNING",
    "SIGNALING, RUNNING",
    "STAGE_OUT, RUNNING",
    "SUSPENDED, SUSPENDED",
    "S, SUSPENDED",
    "STOPPED, SUSPENDED",
    "COMPLETING, COMPLETING",
    "CG, COMPLETING",
    "COMPLETED, COMPLETED",
    "CD, COMPLETED",
    "FAILED, FAILED",
    "F, FAILED",
    "SPECIAL_EXIT, FAILED",
    "CANCELLED, CANCELLED",
    "CA, CANCELLED",
    "'CANCELLED by 0', CANCELLED",
    "CANCELLED+, CANCELLED",
    "TIMEOUT, TIMEOUT",
    "TO, TIMEOUT",
    "NODE_FAIL, NODE_FAIL",
    "NF, NODE_FAIL",
    "PREEMPTED, PREEMPTED",
    "PR, PREEMPTED",
    "BOOT_FAIL, BOOT_FAIL",
    "BF, BOOT_FAIL",
    "OUT_OF_MEMORY, OUT_OF_MEMORY",
    "OOM, OUT_OF_MEMORY",
    "DEADLINE, DEADLINE",
    "DL, DEADLINE",
    "running, RUNNING",
    "' COMPLETED ', COMPLETED"
  })
  void parse_mapsEveryStateAndShortCode(String slurm, JobState expected) {
    assertEquals(expected, SlurmStates.parse(slurm));
  }

  @Test
  void parse_rejectsUnknownState() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> SlurmStates.parse("EXPLODED"));
    assertEquals("unknown SLURM job state 'EXPLODED'", e.getMessage());
  }

  @ParameterizedTest
  @CsvSource({"0:0, 0", "2:0, 2", "3:0, 3", "0:15, 143", "0:9, 137", "1:9, 1"})
  void exitCode_readsCodeOrSignal(String value, int expected) {
    assertEquals(expected, SlurmStates.exitCode(value));
  }

  @ParameterizedTest
  @CsvSource({"0, 0", "768, 3", "256, 1", "15, 143", "9, 137"})
  void fromWaitStatus_readsSqueueExitCode(String value, int expected) {
    assertEquals(expected, SlurmStates.fromWaitStatus(value));
  }

  @Test
  void exitCode_nullWhenAbsent() {
    assertNull(SlurmStates.exitCode(""));
    assertNull(SlurmStates.exitCode(null));
    assertNull(SlurmStates.fromWaitStatus("N/A"));
  }

  @ParameterizedTest
  @CsvSource({
    "0:03, 3",
    "1:20, 80",
    "12:34:56, 45296",
    "1-02:03:04, 93784",
    "00:10.500, 10",
    "01:02:03.456, 3723",
    "00:00:00, 0"
  })
  void seconds_readsSlurmDurations(String value, long expected) {
    assertEquals(expected, SlurmStates.seconds(value));
  }

  @Test
  void seconds_nullForLimitsAndBlanks() {
    assertNull(SlurmStates.seconds("UNLIMITED"));
    assertNull(SlurmStates.seconds("INVALID"));
    assertNull(SlurmStates.seconds(""));
  }

  @ParameterizedTest
  @CsvSource({
    "5120K, 5",
    "5000K, 5",
    "1.5G, 1536",
    "200M, 200",
    "2T, 2097152",
    "1048576, 1",
    "1K, 1",
    "0, 0"
  })
  void memoryMb_readsMaxRss(String value, long expected) {
    assertEquals(expected, SlurmStates.memoryMb(value));
  }

  @Test
  void memoryMb_nullWhenEmpty() {
    assertNull(SlurmStates.memoryMb(""));
    assertNull(SlurmStates.memoryMb("n/a"));
  }
}
