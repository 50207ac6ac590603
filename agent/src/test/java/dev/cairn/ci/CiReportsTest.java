package dev.cairn.ci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.Json;
import dev.cairn.config.QualityGate;
import dev.cairn.model.JobRecord;
import dev.cairn.model.JobState;
import dev.cairn.model.RunState;
import dev.cairn.model.RunStatus;
import dev.cairn.testing.EarlyStopSweep;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CiReportsTest {
  private static JobRecord job(
      String task, String state, Integer exit, Map<String, Double> metrics, Boolean passed) {
    return JobRecord.builder(task)
        .schedulerId("41")
        .state(JobState.valueOf(state))
        .reason(state.equals("FAILED") ? "exit code 3" : null)
        .attempts(1)
        .exitCode(exit)
        .elapsedS(12L)
        .maxRssMb(80L)
        .gpus(0)
        .metrics(metrics)
        .gate(QualityGate.of("test/mIoU>=0.5"))
        .gatePassed(passed)
        .errTail(state.equals("FAILED") ? "Traceback: boom" : null)
        .build();
  }

  private static RunStatus status(String state, int attempt, JobRecord... jobs) {
    return new RunStatus(
        1,
        "c".repeat(40),
        "20261125-x-cccccccc",
        attempt,
        RunState.valueOf(state),
        "msg",
        "t",
        List.of(jobs),
        "e".repeat(40));
  }

  @Test
  void junit_oneCasePerTaskFailingWithTheReason() {
    String xml =
        CiReports.junit(
            status(
                "FAILED",
                1,
                job("crop_classification", "COMPLETED", 0, Map.of("test/mIoU", 0.41), false),
                job("landslide", "FAILED", 3, Map.of(), null),
                job("biomass", "COMPLETED", 0, Map.of("test/mIoU", 0.9), true)),
            null);
    assertTrue(xml.contains("tests=\"3\" failures=\"2\""), xml);
    assertTrue(
        xml.contains(
            "<failure type=\"QualityGate\" message=\"quality gate test/mIoU&gt;=0.5 missed: test/mIoU = 0.4100\""),
        xml);
    assertTrue(
        xml.contains(
            "<failure type=\"FAILED\" message=\"job FAILED with exit code 3 (exit code 3) after 1 attempt(s)\""),
        xml);
    assertTrue(xml.contains("Traceback: boom"), xml);
  }

  @Test
  void junit_aRejectedRunIsOneFailingCaseWithTheMessage() {
    RunStatus rejected =
        new RunStatus(
            1,
            "c".repeat(40),
            "r",
            1,
            RunState.REJECTED,
            "EPOCS is not a key of config.env; did you mean EPOCHS?",
            "t",
            List.of(),
            null);
    String xml = CiReports.junit(rejected, null);
    assertTrue(xml.contains("name=\"config.env\""), xml);
    assertTrue(
        xml.contains("REJECTED: EPOCS is not a key of config.env; did you mean EPOCHS?"), xml);
  }

  @Test
  void dotenv_carriesTheResultsCommit() {
    String env = CiReports.dotenv(status("SUCCEEDED", 1));
    assertEquals(
        "CAIRN_RUN_ID=20261125-x-cccccccc\nCAIRN_RUN_STATE=SUCCEEDED\nCAIRN_RESULTS_COMMIT="
            + "e".repeat(40)
            + "\n",
        env);
  }

  @Test
  void await_ignoresTheStatusOfAnEarlierAttempt() {
    assertFalse(AwaitLines.isCurrent(status("SUCCEEDED", 1), 2));
    assertTrue(AwaitLines.isCurrent(status("RUNNING", 2), 2));
  }

  @Test
  void progress_namesStatesAttemptsAndQueueReasons() {
    JobRecord pending =
        JobRecord.builder("landslide")
            .schedulerId("9")
            .state(JobState.PENDING)
            .reason("Priority")
            .attempts(2)
            .gate(QualityGate.of("val/loss<1"))
            .build();
    assertEquals(
        "run 20261125-x-cccccccc: RUNNING | landslide PENDING (attempt 2) [Priority]",
        AwaitLines.progress(status("RUNNING", 1, pending)));
  }

  private static RunStatus forged(String runId, String state, String results) {
    return new RunStatus(
        1, "c".repeat(40), runId, 1, RunState.valueOf(state), "msg", "t", List.of(), results);
  }

  @Test
  void dotenv_writesNoValueThatCouldAddAVariable() {
    String env =
        CiReports.dotenv(
            forged(
                "x\nPATH=/tmp/evil:/usr/bin",
                "SUCCEEDED",
                "e".repeat(40) + "\nCI_DEBUG_TRACE=true"));
    assertEquals("CAIRN_RUN_STATE=SUCCEEDED\n", env);
    // a state is one of RunState's names or the status does not parse at all
    assertThrows(
        IOException.class,
        () ->
            Json.MAPPER.readValue(
                "{\"state\": \"SUCCEEDED\\nCI_DEBUG_TRACE=true\"}", RunStatus.class));
    for (String line : env.lines().toList()) {
      assertTrue(line.matches("CAIRN_[A-Z_]+=[A-Za-z0-9._-]+"), line);
    }
  }

  @Test
  void junit_holdsNoControlCharacters() {
    String xml =
        CiReports.junit(
            status("FAILED", 1, job("t\u001b[2J\u0000", "FAILED", 3, Map.of(), null)), "x\u0007y");
    assertFalse(xml.chars().anyMatch(c -> c < 0x20 && c != '\n'), xml);
  }

  @Test
  void junit_aTrialStoppedEarly_isSkippedWithItsReason_neverAFailure() {
    RunStatus run = status("SUCCEEDED", 1, EarlyStopSweep.jobs().toArray(JobRecord[]::new));
    String xml = CiReports.junit(run, null);
    assertTrue(xml.contains("tests=\"9\" failures=\"0\" skipped=\"8\""), xml);
    assertFalse(xml.contains("<failure"), xml);
    assertTrue(
        xml.contains(
            "<skipped message=\"stopped early after 2 epoch(s): val/mIoU 0.3200 below the cut-off"
                + " 0.5000 at epoch 1 (9 trial(s) reached it); cancelled 100_1\"/>"),
        xml);
    assertTrue(xml.contains("state STOPPED, attempts 1, epochs run 4"), xml);
    // a run that failed for another reason fails its trials that did not end, not the stopped ones
    String failed =
        CiReports.junit(
            status(
                "FAILED",
                1,
                EarlyStopSweep.jobs().get(0),
                job("landslide", "FAILED", 3, Map.of(), null)),
            "timed out");
    assertTrue(failed.contains("tests=\"2\" failures=\"1\" skipped=\"1\""), failed);
    assertEquals(null, CiReports.reason(EarlyStopSweep.jobs().get(0), "timed out"));
  }
}
