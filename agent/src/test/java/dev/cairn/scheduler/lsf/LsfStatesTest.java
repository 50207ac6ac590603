package dev.cairn.scheduler.lsf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.model.JobState;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LsfStatesTest {

  @ParameterizedTest(name = "{0} {1} -> {2}")
  @CsvSource(
      delimiter = '|',
      value = {
        "PEND  |                                                              | PENDING",
        "WAIT  |                                                              | PENDING",
        "RUN   |                                                              | RUNNING",
        "PSUSP |                                                              | SUSPENDED",
        "USUSP |                                                              | SUSPENDED",
        "SSUSP |                                                              | SUSPENDED",
        "UNKWN |                                                              | RUNNING",
        "ZOMBI |                                                              | NODE_FAIL",
        "DONE  |                                                              | COMPLETED",
        "EXIT  |                                                              | FAILED",
        "EXIT  | TERM_RUNLIMIT: job killed after reaching LSF run time limit  | TIMEOUT",
        "EXIT  | TERM_CPULIMIT: job killed after reaching LSF CPU usage limit | TIMEOUT",
        "EXIT  | TERM_MEMLIMIT: job killed after reaching LSF memory usage limit | OUT_OF_MEMORY",
        "EXIT  | TERM_OWNER: job killed by owner                              | CANCELLED",
        "EXIT  | TERM_FORCE_OWNER: job killed by owner without time for cleanup | CANCELLED",
        "EXIT  | TERM_ADMIN: job killed by root or LSF administrator          | CANCELLED",
        "EXIT  | TERM_PREEMPT: job killed after preemption                    | PREEMPTED",
        "EXIT  | TERM_REQUEUE_ADMIN: job killed and requeued by root or LSF administrator |"
            + " PREEMPTED",
        "EXIT  | TERM_RC_RECLAIM: job killed and requeued when host reclaimed | PREEMPTED",
        "EXIT  | TERM_REMOVE_HUNG_JOB: job removed from LSF system            | NODE_FAIL",
        "EXIT  | TERM_ZOMBIE: job exited while LSF is not available           | NODE_FAIL",
        "EXIT  | TERM_PRE_EXEC_FAIL: job's pre-execution command failed       | BOOT_FAIL",
        "EXIT  | TERM_DEADLINE: job killed after deadline expires             | DEADLINE",
        "EXIT  | TERM_PROCESSLIMIT: job killed after reaching LSF process limit | FAILED",
        "EXIT  | TERM_EXTERNAL_SIGNAL: job killed by a signal external to LSF | FAILED",
        "EXIT  | job killed after reaching LSF run time limit                 | TIMEOUT",
        "EXIT  | job killed by owner                                          | CANCELLED",
        "EXIT  | job killed after preemption                                  | PREEMPTED",
        "exit  | Completed <exit>; TERM_MEMLIMIT: job killed                  | OUT_OF_MEMORY",
      })
  void state_mapsStatAndTerminationReason(String stat, String reason, JobState expected) {
    assertEquals(expected, LsfStates.state(stat, reason == null ? "" : reason));
  }

  @ParameterizedTest
  @CsvSource({"PDONE, COMPLETED", "PERR, FAILED"})
  void state_postJobStates(String stat, JobState expected) {
    assertEquals(expected, LsfStates.state(stat, ""));
  }

  @org.junit.jupiter.api.Test
  void state_unknownStatIsNull() {
    assertNull(LsfStates.state("HELD", ""));
  }

  @org.junit.jupiter.api.Test
  void state_infrastructureEndsAreResubmittedAndUserEndsAreNot() {
    assertTrue(LsfStates.state("EXIT", "TERM_PREEMPT: x").isInfrastructureFailure());
    assertTrue(LsfStates.state("EXIT", "TERM_REMOVE_HUNG_JOB: x").isInfrastructureFailure());
    assertTrue(!LsfStates.state("EXIT", "TERM_OWNER: x").isInfrastructureFailure());
    assertTrue(!LsfStates.state("EXIT", "TERM_RUNLIMIT: x").isInfrastructureFailure());
    assertTrue(!LsfStates.state("EXIT", "").isInfrastructureFailure());
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      nullValues = "null",
      value = {
        "16038 second(s), 16038",
        "0.4 second(s), 0",
        "15880.6 second(s), 15881",
        "1 second, 1",
        "04:27:18, 16038",
        "00:00:01, 1",
        "100:00:00, 360000",
        "'', null",
        "-, null",
        "soon, null"
      })
  void seconds_readsSecondsAndHms(String text, Long expected) {
    assertEquals(expected, LsfStates.seconds(text));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      nullValues = "null",
      value = {
        "123 Mbytes, 123",
        "522 MBytes, 522",
        "1.2 Gbytes, 1229",
        "5.2 Gbytes, 5325",
        "48 Gbytes, 49152",
        "512 Kbytes, 1",
        "2048 Kbytes, 2",
        "1 Tbytes, 1048576",
        "300 M, 300",
        "2G, 2048",
        "'', null",
        "-, null",
        "lots, null"
      })
  void megabytes_readsLsfUnits(String text, Long expected) {
    assertEquals(expected, LsfStates.megabytes(text));
  }

  @ParameterizedTest
  @CsvSource(
      nullValues = "null",
      value = {"0, 0", "130, 130", "'', null", "-, null", "x, null"})
  void exitCode_emptyIsUnknown(String text, Integer expected) {
    assertEquals(expected, LsfStates.exitCode(text));
  }
}
