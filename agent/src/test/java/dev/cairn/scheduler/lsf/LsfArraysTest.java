package dev.cairn.scheduler.lsf;

import static dev.cairn.testing.ScriptedRunner.recorded;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.model.JobState;
import dev.cairn.scheduler.JobStatus;
import dev.cairn.testing.ScriptedRunner;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Job arrays and dependencies on LSF, from recorded outputs: element ids, bparams, PEND reasons.
 */
class LsfArraysTest {
  private static final String CROP = "cairn-r7-crop_classification-prithvi_eo_v1_100";

  private final ScriptedRunner runner = new ScriptedRunner();
  private final LsfScheduler lsf =
      new LsfScheduler(
          runner,
          new LsfOptions(
              "/opt/lsf/bin", "bsub", List.of(), Duration.ofSeconds(5), Map.of("PATH", "/bin")));

  @Test
  void arrayElementId_countsFromOne() {
    assertEquals("5120[1]", lsf.arrayElementId("5120", 0));
    assertEquals("5120[12]", lsf.arrayElementId("5120", 11));
  }

  @Test
  void elementId_readsTheIndexFromTheJobNameOrTheJobId() {
    assertEquals("5120[3]", LsfOutput.elementId("5120", "cairn-x-a1[3]"));
    assertEquals("5120[3]", LsfOutput.elementId("5120[3]", "cairn-x-a1[3]"));
    assertEquals("5120", LsfOutput.elementId("5120", "cairn-r1-biomass-a1"));
    assertEquals("", LsfOutput.elementId("", "cairn-x-a1[3]"));
  }

  @Test
  void maxArraySize_askedOnceOfBparams() throws Exception {
    runner.answer(0, recorded("lsf", "bparams-a.txt"), "");
    assertEquals(10000, lsf.maxArraySize());
    assertEquals(10000, lsf.maxArraySize());
    assertEquals(List.of(List.of("/opt/lsf/bin/bparams", "-a")), runner.calls);
  }

  @Test
  void maxArraySize_isLsfsDefaultWhereBparamsLeavesItOut() {
    assertEquals(1000, LsfOutput.maxArraySize(recorded("lsf", "bparams.txt")));
    assertEquals(7, LsfOutput.maxArraySize("    MAX_JOB_ARRAY_SIZE = 7\n"));
  }

  @Test
  void maxArraySize_noArraysWhereBparamsIsMissing_butAFailingOneIsAskedAgain() throws Exception {
    runner.answer(255, "", "LSF is down. Please wait ...\n");
    org.junit.jupiter.api.Assertions.assertThrows(IOException.class, lsf::maxArraySize);
    runner.failWith(new IOException("Cannot run program \"bparams\": error=2, No such file"));
    assertEquals(0, lsf.maxArraySize());
    assertEquals(0, lsf.maxArraySize());
    assertEquals(2, runner.calls.size());
  }

  @Test
  void status_oneBjobsCallForTheElementsOfSeveralArrays() throws Exception {
    runner.answer(255, recorded("lsf", "bjobs-json-array.txt"), "");
    runner.answer(0, recorded("lsf", "bhist-l-array.txt"), "");
    List<String> ids =
        List.of("5120[1]", "5120[2]", "5120[3]", "5121[1]", "5121[2]", "5122", "5123");
    Map<String, JobStatus> s = lsf.status(ids);
    assertEquals(ids, runner.calls.get(0).subList(5, 12));
    assertEquals(
        new JobStatus("5120[1]", JobState.COMPLETED, null, 0, 640L, 630L, 1536L), s.get("5120[1]"));
    assertEquals(JobState.RUNNING, s.get("5120[2]").state());
    assertEquals(JobState.PENDING, s.get("5120[3]").state());
    assertEquals("The job array has reached its job slot limit", s.get("5120[3]").reason());
    // LSB_BJOBS_DISPLAY_ENH=Y: the index in JOBID; a preempted element is resubmitted alone
    assertEquals(JobState.PREEMPTED, s.get("5121[1]").state());
    // cleaned from bjobs, found in bhist by its element id
    assertEquals(JobState.COMPLETED, s.get("5121[2]").state());
    assertEquals(List.of("/opt/lsf/bin/bhist", "-l", "5121[2]"), runner.calls.get(1));
    assertEquals(JobState.PENDING, s.get("5122").state());
    assertEquals("Job dependency condition not satisfied", s.get("5122").reason());
    assertEquals(2, runner.calls.size());
  }

  @Test
  void status_aDependencyThatCanNeverBeMetIsAFailure() throws Exception {
    runner.answer(0, recorded("lsf", "bjobs-json-array.txt"), "");
    JobStatus s = lsf.status(List.of("5123")).get("5123");
    assertEquals(JobState.FAILED, s.state());
    assertEquals(
        JobStatus.NEVER_SATISFIED + " (Dependency condition invalid or never satisfied)",
        s.reason());
    assertTrue(LsfStates.neverSatisfied("Dependency condition invalid or never satisfied;"));
  }

  @Test
  void status_readsElementsFromDelimitedOutput() {
    List<LsfOutput.Row> rows =
        LsfOutput.delimited(
            recorded("lsf", "bjobs-delimited-array.txt"),
            recorded("lsf", "bjobs-delimited-array-stderr.txt"),
            ';');
    assertEquals(
        List.of("5130[1]", "5130[2]", "5131[4]"), rows.stream().map(LsfOutput.Row::id).toList());
    assertEquals("Job dependency condition not satisfied;", rows.get(1).pendReason());
    assertTrue(rows.get(2).notFound());
  }

  @Test
  void findByName_givesTheArraysOwnId() throws Exception {
    runner.answer(0, recorded("lsf", "bjobs-json-array.txt"), "");
    String name = CROP + "-lr1e-4-s42-b8-e20-x3-a1";
    assertEquals(Optional.of("5120"), lsf.findByName(name));
  }

  @Test
  void bhist_keepsTheElementsIndex() {
    Map<String, JobStatus> ended = LsfHistory.parse(recorded("lsf", "bhist-l-array.txt"));
    assertEquals(JobState.COMPLETED, ended.get("5121[2]").state());
    assertEquals(867L, ended.get("5121[2]").elapsedSeconds());
  }
}
