package dev.cairn.scheduler.slurm;

import static dev.cairn.testing.ScriptedRunner.recorded;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.CairnException;
import dev.cairn.model.JobState;
import dev.cairn.scheduler.JobStatus;
import dev.cairn.scheduler.JobSubmission;
import dev.cairn.scheduler.SchedulerRefused;
import dev.cairn.testing.ScriptedRunner;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SlurmSchedulerTest {

  private final ScriptedRunner runner = new ScriptedRunner();
  private final SlurmScheduler slurm =
      new SlurmScheduler(
          runner,
          new SlurmOptions(
              "sbatch",
              "squeue",
              "sacct",
              "scontrol",
              "scancel",
              List.of("--qos=normal"),
              Duration.ofSeconds(5),
              Map.of("PATH", "/usr/bin")));

  @Test
  void status_namesArrayElementsByArrayAndTaskId() throws Exception {
    runner.answer(
        0,
        List.of(
            "1564|PENDING|None|0|0:00|0|1564|2|cairn-r-landslide-x3-a1",
            "1565|RUNNING|None|0|0:05|0|1564|0|cairn-r-landslide-x3-a1"),
        "");
    Map<String, JobStatus> status = slurm.status(List.of("1564_0", "1564_2"));
    assertEquals(JobState.RUNNING, status.get("1564_0").state());
    assertEquals(JobState.PENDING, status.get("1564_2").state());
  }

  @Test
  void maxArraySize_isReadFromScontrolShowConfig() throws Exception {
    runner.answer(
        0,
        List.of(
            "Configuration data as of 2026-12-01T15:00:00",
            "MaxArraySize            = 1001",
            "MaxJobCount             = 10000"),
        "");
    assertEquals(1001, slurm.maxArraySize());
    assertEquals(1001, slurm.maxArraySize());
    assertEquals(List.of(List.of("scontrol", "show", "config")), runner.calls);
    assertEquals(0, SlurmOutput.maxArraySize("MaxJobCount = 3\n"));
    assertEquals("1564_3", slurm.arrayElementId("1564", 3));
  }

  @Test
  void scontrol_namesArrayElementsByArrayAndTaskId() {
    List<SlurmOutput.Row> rows =
        SlurmOutput.scontrol(
            "JobId=1538 JobName=x ArrayJobId=1533 ArrayTaskId=0 JobState=COMPLETED Restarts=0"
                + " ExitCode=0:0 RunTime=00:00:03\n");
    assertEquals("1533_0", rows.get(0).id());
  }

  @Test
  void submit_runsSbatchParsableWithoutTheAgentsEnvironment() throws Exception {
    runner.answer(0, recorded("slurm", "sbatch-parsable.txt"), "");
    String id =
        slurm.submit(
            new JobSubmission(
                "cairn-r1-biomass-a1",
                Path.of("/shared/r1/biomass.sh"),
                Path.of("/shared/r1"),
                Path.of("/shared/r1/out"),
                Path.of("/shared/r1/err"),
                Map.of("EPOCHS", "20")));
    assertEquals("14", id);
    assertEquals(
        List.of(
            "sbatch",
            "--parsable",
            "--export=NONE,EPOCHS=20",
            "--chdir=/shared/r1",
            "--qos=normal",
            "/shared/r1/biomass.sh"),
        runner.calls.get(0));
    assertTrue(runner.cleanEnvironments.get(0));
    assertEquals(Map.of("PATH", "/usr/bin"), runner.environments.get(0));
  }

  @Test
  void submit_readsClusterSuffix() throws Exception {
    runner.answer(0, "4711;cluster-a\n", "");
    assertEquals("4711", slurm.submit(submission(Map.of())));
  }

  @Test
  void submit_refusedScriptIsUserFixable() {
    runner.answer(
        1, "", "sbatch: error: Batch job submission failed: Invalid partition name specified\n");
    CairnException e =
        assertThrows(SchedulerRefused.class, () -> slurm.submit(submission(Map.of())));
    assertTrue(e.getMessage().contains("Invalid partition name specified"), e.getMessage());
  }

  @Test
  void submit_unreachableControllerIsIoError() {
    runner.answer(
        1, "", "sbatch: error: Batch job submission failed: Unable to contact slurm controller\n");
    assertThrows(IOException.class, () -> slurm.submit(submission(Map.of())));
  }

  @Test
  void submit_rejectsVariablesSbatchCannotCarry() {
    assertFalse(
        assertThrows(CairnException.class, () -> slurm.submit(submission(Map.of("A", "x,y"))))
            instanceof SchedulerRefused,
        "a job variable sbatch cannot carry is ours to fix, not a refusal");
    assertThrows(CairnException.class, () -> slurm.submit(submission(Map.of("A B", "x"))));
    assertTrue(runner.calls.isEmpty());
  }

  @Test
  void status_oneSqueueCallForAllJobs() throws Exception {
    runner.answer(0, recorded("slurm", "squeue-ended.txt"), "");
    Map<String, JobStatus> status = slurm.status(List.of("19", "20", "21", "22", "23"));
    assertEquals(1, runner.calls.size());
    assertEquals(
        List.of(
            "squeue",
            "--noheader",
            "--states=all",
            "--array",
            "--jobs=19,20,21,22,23",
            "--Format=" + SlurmOutput.SQUEUE_FORMAT),
        runner.calls.get(0));
    assertEquals(
        new JobStatus("19", JobState.TIMEOUT, "TimeLimit", 143, 80L, null, null), status.get("19"));
    assertEquals(
        new JobStatus("20", JobState.COMPLETED, null, 0, 2L, null, null), status.get("20"));
    assertEquals(
        new JobStatus("21", JobState.FAILED, "NonZeroExitCode", 3, 1L, null, null),
        status.get("21"));
    assertEquals(JobState.CANCELLED, status.get("22").state());
    assertEquals(JobState.FAILED, status.get("23").state());
    assertEquals(137, status.get("23").exitCode());
  }

  @Test
  void status_preemptedJobIsRequeuedUnderTheSameId() throws Exception {
    runner.answer(0, recorded("slurm", "squeue-preempted.txt").lines().limit(2).toList(), "");
    Map<String, JobStatus> status = slurm.status(List.of("15", "16"));
    assertEquals(JobState.REQUEUED, status.get("15").state());
    assertEquals("BeginTime", status.get("15").reason());
    assertNull(status.get("15").exitCode());
    assertEquals(JobState.RUNNING, status.get("16").state());
  }

  @Test
  void status_nodeFailureRequeuesOrFails() throws Exception {
    runner.answer(0, recorded("slurm", "squeue-node-down.txt"), "");
    Map<String, JobStatus> status = slurm.status(List.of("17", "18"));
    assertEquals(JobState.REQUEUED, status.get("17").state());
    assertEquals(
        new JobStatus("18", JobState.NODE_FAIL, "NodeDown", 143, 21L, null, null),
        status.get("18"));
  }

  @Test
  void status_jobsGoneFromSqueueAskScontrolWhenAccountingIsOff() throws Exception {
    runner.answer(0, recorded("slurm", "squeue-ended.txt").lines().limit(1).toList(), "");
    runner.answer(1, "", recorded("slurm", "sacct-disabled.stderr"));
    runner.answer(0, recorded("slurm", "scontrol-all.txt"), "");
    Map<String, JobStatus> status = slurm.status(List.of("19", "21", "77"));
    assertEquals(3, runner.calls.size());
    assertEquals("sacct", runner.calls.get(1).get(0));
    assertEquals(List.of("scontrol", "show", "job", "-o"), runner.calls.get(2));
    assertEquals(JobState.TIMEOUT, status.get("19").state());
    assertEquals(
        new JobStatus("21", JobState.FAILED, "NonZeroExitCode", 3, 1L, null, null),
        status.get("21"));
    assertEquals(JobState.LOST, status.get("77").state());

    runner.answer(1, "", recorded("slurm", "squeue-invalid-id.stderr"));
    runner.answer(1, "", recorded("slurm", "scontrol-invalid-id.stderr"));
    assertEquals(JobState.LOST, slurm.status(List.of("77")).get("77").state());
    assertEquals(List.of("scontrol", "show", "job", "-o", "77"), runner.calls.get(4));
    assertEquals(5, runner.calls.size(), "sacct is asked once");
  }

  @Test
  void status_jobsGoneFromSqueueAskSacctWhenAccountingWorks() throws Exception {
    runner.answer(1, "", recorded("slurm", "squeue-invalid-id.stderr"));
    runner.answer(0, "", "");
    runner.answer(0, recorded("slurm", "sacct-documented-format.txt"), "");
    Map<String, JobStatus> status = slurm.status(List.of("4711", "4712", "4713"));
    assertEquals(
        List.of(
            "sacct",
            "-P",
            "-n",
            "--starttime=now-60days",
            "--jobs=4711,4712,4713",
            "--format=" + SlurmOutput.SACCT_FORMAT),
        runner.calls.get(2));
    assertEquals(
        new JobStatus("4711", JobState.COMPLETED, null, 0, 812L, 3723L, 1536L), status.get("4711"));
    assertEquals(
        new JobStatus("4712", JobState.CANCELLED, "by 0", 143, 93784L, 10L, 200L),
        status.get("4712"));
    assertEquals(JobState.OUT_OF_MEMORY, status.get("4713").state());
    assertNull(status.get("4713").maxRssMb());
  }

  /** sacct's default window starts at midnight: a lookup after it must still see older jobs. */
  @Test
  void findByName_asksSacctBeyondMidnight() throws Exception {
    runner.answer(0, "", "");
    runner.answer(0, "", "");
    runner.answer(0, "", "");
    slurm.findByName("cairn-run-1-landslide");
    assertEquals("sacct", runner.calls.get(2).get(0));
    assertTrue(runner.calls.get(2).contains("--starttime=now-60days"), runner.calls.toString());
    assertTrue(runner.calls.get(2).contains("--name=cairn-run-1-landslide"));
  }

  @Test
  void status_controllerDownThrowsInsteadOfReportingJobsEnded() {
    runner.answer(1, "", recorded("slurm", "squeue-controller-down.stderr"));
    IOException e = assertThrows(IOException.class, () -> slurm.status(List.of("19")));
    assertTrue(e.getMessage().contains("Unable to contact slurm controller"), e.getMessage());
  }

  @Test
  void status_scontrolFailureThrows() {
    runner.answer(0, "", "");
    runner.answer(1, "", recorded("slurm", "sacct-disabled.stderr"));
    runner.answer(1, "", recorded("slurm", "squeue-controller-down.stderr"));
    assertThrows(IOException.class, () -> slurm.status(List.of("19")));
  }

  @Test
  void status_noJobsNoCall() throws Exception {
    assertTrue(slurm.status(List.of()).isEmpty());
    assertTrue(runner.calls.isEmpty());
  }

  @Test
  void findByName_picksExactNameFromSqueue() throws Exception {
    runner.answer(0, squeueLine(), "");
    Optional<String> id =
        slurm.findByName(
            "cairn-20261125-abcdef0123456789-crop_classification-a1-with-a-very-long-tail");
    assertEquals(Optional.of("24"), id);
    assertEquals(1, runner.calls.size());
  }

  @Test
  void findByName_fallsBackToScontrol() throws Exception {
    runner.answer(0, "", "");
    runner.answer(1, "", recorded("slurm", "sacct-disabled.stderr"));
    runner.answer(0, recorded("slurm", "scontrol-all.txt"), "");
    assertEquals(Optional.of("21"), slurm.findByName("fail"));
    runner.answer(0, "", "");
    runner.answer(0, recorded("slurm", "scontrol-all.txt"), "");
    assertFalse(slurm.findByName("nowhere").isPresent());
  }

  @Test
  void cancel_ignoresJobsAlreadyGone() throws Exception {
    runner.answer(1, "", "scancel: error: Kill job error on job id 5: Invalid job id specified\n");
    slurm.cancel(List.of("5", "6"));
    assertEquals(List.of("scancel", "5", "6"), runner.calls.get(0));
    runner.answer(1, "", recorded("slurm", "squeue-controller-down.stderr"));
    assertThrows(IOException.class, () -> slurm.cancel(List.of("5")));
  }

  @Test
  void passedFrom_keepsSecretsAwayFromSlurmCommands() {
    Map<String, String> passed =
        SlurmOptions.passedFrom(
            Map.of(
                "PATH",
                "/usr/bin",
                "SLURM_CONF",
                "/etc/slurm/slurm.conf",
                "AWS_SECRET_ACCESS_KEY",
                "s",
                "GIT_TOKEN",
                "t",
                "SBATCH_PARTITION",
                "debug"));
    assertEquals(Map.of("PATH", "/usr/bin", "SLURM_CONF", "/etc/slurm/slurm.conf"), passed);
  }

  private static String squeueLine() {
    return "24|RUNNING|None|0|0:01|0|24|N/A|"
        + "cairn-20261125-abcdef0123456789-crop_classification-a1-with-a-very-long-tail\n"
        + "25|PENDING|Priority|0|0:00|0|25|N/A|"
        + "cairn-20261125-abcdef0123456789-crop_classification-a1-with-a-very-long-tail-2\n";
  }

  private static JobSubmission submission(Map<String, String> environment) {
    return new JobSubmission(
        "job", Path.of("job.sh"), null, Path.of("out"), Path.of("err"), environment);
  }
}
