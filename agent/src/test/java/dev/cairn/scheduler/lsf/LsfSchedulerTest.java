package dev.cairn.scheduler.lsf;

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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LsfSchedulerTest {

  private static final String FIELDS =
      "jobid stat exit_code run_time cpu_used max_mem job_name exit_reason pend_reason";

  @TempDir Path dir;
  private final ScriptedRunner runner = new ScriptedRunner();
  private final LsfScheduler lsf =
      new LsfScheduler(
          runner,
          new LsfOptions(
              "/opt/lsf/bin",
              "bsub",
              List.of(),
              Duration.ofSeconds(5),
              Map.of("PATH", "/usr/bin", "LSF_ENVDIR", "/opt/lsf/conf")));

  @Test
  void submit_sendsTheScriptOnStdinWithACleanEnvironment() throws Exception {
    runner.answer(0, recorded("lsf", "bsub-queue.txt"), "");
    String id = lsf.submit(submission(Map.of("CAIRN_EPOCHS", "20")));
    assertEquals("4711", id);
    assertEquals(
        List.of("/opt/lsf/bin/bsub", "-cwd", dir.resolve("run").toString()), runner.calls.get(0));
    assertEquals("#!/bin/bash\n#BSUB -J cairn-r1-biomass-a1\necho hi\n", runner.stdins.get(0));
    assertTrue(runner.cleanEnvironments.get(0));
    assertEquals(
        Map.of("PATH", "/usr/bin", "LSF_ENVDIR", "/opt/lsf/conf", "CAIRN_EPOCHS", "20"),
        runner.environments.get(0));
    assertTrue(Files.isDirectory(dir.resolve("run/out")), "output folder made before bsub");
  }

  @Test
  void submit_readsTheDefaultQueueVariant() throws Exception {
    runner.answer(0, recorded("lsf", "bsub-default-queue.txt"), "");
    assertEquals("4712", lsf.submit(submission(Map.of())));
  }

  @Test
  void submit_runsASiteWrapperWithItsArguments() throws Exception {
    LsfScheduler jbsub =
        new LsfScheduler(
            runner,
            LsfOptions.of("", "jbsub", "-queue x86_6h -proj 'geo fm'")
                .withCommandEnvironment(Map.of("PATH", "/usr/bin")));
    runner.answer(0, recorded("lsf", "jbsub.txt"), "");
    assertEquals("4713", jbsub.submit(submission(Map.of())));
    assertEquals(
        List.of(
            "jbsub", "-queue", "x86_6h", "-proj", "geo fm", "-cwd", dir.resolve("run").toString()),
        runner.calls.get(0));
  }

  @Test
  void submit_refusedJobIsUserFixable() {
    runner.answer(255, "", "hihi: No such queue. Job not submitted.\n");
    CairnException e = assertThrows(SchedulerRefused.class, () -> lsf.submit(submission(Map.of())));
    assertTrue(e.getMessage().contains("No such queue"), e.getMessage());
  }

  @Test
  void submit_unreachableMasterIsIoError() {
    runner.answer(255, "", "Cannot connect to LSF. Please wait ...\n");
    assertThrows(IOException.class, () -> lsf.submit(submission(Map.of())));
  }

  @Test
  void submit_rejectsVariablesBsubCannotCarry() {
    assertThrows(CairnException.class, () -> lsf.submit(submission(Map.of("A B", "x"))));
    assertTrue(runner.calls.isEmpty());
  }

  @Test
  void options_passOnlyPathHomeUserAndLsfVariables() {
    Map<String, String> passed =
        LsfOptions.passedFrom(
            Map.of(
                "PATH",
                "/bin",
                "HOME",
                "/home/a",
                "USER",
                "a",
                "LSF_ENVDIR",
                "/etc/lsf",
                "AWS_SECRET_ACCESS_KEY",
                "secret",
                "CAIRN_GIT_TOKEN",
                "token",
                "LSB_JOBID",
                "7"));
    assertEquals(
        Map.of("PATH", "/bin", "HOME", "/home/a", "USER", "a", "LSF_ENVDIR", "/etc/lsf"), passed);
  }

  @Test
  void status_oneBjobsJsonCallForAllJobs() throws Exception {
    runner.answer(255, recorded("lsf", "bjobs-json.txt"), "");
    runner.answer(0, "", "No matching job found\n");
    List<String> ids = List.of("101", "102", "103", "104", "105", "106", "107", "108", "9");
    Map<String, JobStatus> s = lsf.status(ids);
    assertEquals(
        List.of(
            "/opt/lsf/bin/bjobs",
            "-a",
            "-o",
            FIELDS,
            "-json",
            "101",
            "102",
            "103",
            "104",
            "105",
            "106",
            "107",
            "108",
            "9"),
        runner.calls.get(0));
    assertEquals(JobState.PENDING, s.get("101").state());
    assertEquals(JobState.RUNNING, s.get("102").state());
    assertEquals(16038L, s.get("102").elapsedSeconds());
    assertEquals(15880L, s.get("102").cpuSeconds());
    assertEquals(5325L, s.get("102").maxRssMb());
    assertEquals(
        new JobStatus("103", JobState.COMPLETED, null, 0, 812L, 1500L, 522L), s.get("103"));
    assertEquals(JobState.FAILED, s.get("104").state());
    assertEquals(1, s.get("104").exitCode());
    assertEquals(JobState.TIMEOUT, s.get("105").state());
    assertTrue(s.get("105").reason().startsWith("TERM_RUNLIMIT"));
    assertEquals(JobState.OUT_OF_MEMORY, s.get("106").state());
    assertEquals(JobState.PREEMPTED, s.get("107").state());
    assertEquals(JobState.CANCELLED, s.get("108").state());
    assertEquals(JobState.LOST, s.get("9").state());
    assertEquals(List.of("/opt/lsf/bin/bhist", "-l", "9"), runner.calls.get(1));
    assertEquals(2, runner.calls.size());
  }

  @Test
  void status_readsHmsTimes() throws Exception {
    runner.answer(0, recorded("lsf", "bjobs-json-hms.txt"), "");
    JobStatus s = lsf.status(List.of("22005")).get("22005");
    assertEquals(new JobStatus("22005", JobState.COMPLETED, null, 0, 16038L, 1L, 5325L), s);
  }

  @Test
  void status_fallsBackToDelimitedOutputOnceWhereJsonIsMissing() throws Exception {
    runner.answer(255, "", recorded("lsf", "bjobs-no-json-usage.txt"));
    runner.answer(
        255, recorded("lsf", "bjobs-delimited.txt"), recorded("lsf", "bjobs-delimited-stderr.txt"));
    runner.answer(0, recorded("lsf", "bhist-l.txt").replace("Job <303>", "Job <204>"), "");
    Map<String, JobStatus> s = lsf.status(List.of("201", "202", "203", "204"));
    assertEquals(
        List.of(
            "/opt/lsf/bin/bjobs",
            "-a",
            "-noheader",
            "-o",
            FIELDS + " delimiter=';'",
            "201",
            "202",
            "203",
            "204"),
        runner.calls.get(1));
    assertEquals(
        new JobStatus("201", JobState.RUNNING, null, null, 120L, 101L, 1229L), s.get("201"));
    assertEquals(JobState.FAILED, s.get("202").state());
    assertEquals(2, s.get("202").exitCode());
    assertEquals(JobState.RUNNING, s.get("203").state());
    assertTrue(s.get("203").reason().startsWith("UNKWN"));
    assertEquals(JobState.CANCELLED, s.get("204").state());

    // learnt once: the next query goes straight to the delimited form
    runner.answer(0, "201;DONE;-;130 second(s);110 second(s);1.2 Gbytes;x;-\n", "");
    assertEquals(JobState.COMPLETED, lsf.status(List.of("201")).get("201").state());
    assertTrue(runner.calls.get(3).contains("-noheader"));
    assertEquals(4, runner.calls.size());
  }

  @Test
  void status_resolvesCleanedJobsWithOneBhistCall() throws Exception {
    runner.answer(
        255,
        "{\"COMMAND\":\"bjobs\",\"JOBS\":3,\"RECORDS\":["
            + "{\"JOBID\":\"301\",\"ERROR\":\"Job <301> is not found\"},"
            + "{\"JOBID\":\"302\",\"ERROR\":\"Job <302> is not found\"},"
            + "{\"JOBID\":\"303\",\"ERROR\":\"Job <303> is not found\"}]}",
        "");
    runner.answer(0, recorded("lsf", "bhist-l.txt"), "");
    Map<String, JobStatus> s = lsf.status(List.of("301", "302", "303", "304"));
    assertEquals(
        List.of("/opt/lsf/bin/bhist", "-l", "301", "302", "303", "304"), runner.calls.get(1));
    assertEquals(JobState.OUT_OF_MEMORY, s.get("301").state());
    assertEquals(1, s.get("301").exitCode());
    assertEquals(6450L, s.get("301").elapsedSeconds());
    assertEquals(31911L, s.get("301").cpuSeconds());
    assertEquals(49152L, s.get("301").maxRssMb());
    assertTrue(s.get("301").reason().startsWith("TERM_MEMLIMIT: job killed after reaching LSF"));
    assertEquals(new JobStatus("302", JobState.COMPLETED, null, 0, 792L, 790L, 522L), s.get("302"));
    assertEquals(JobState.CANCELLED, s.get("303").state());
    assertEquals(130, s.get("303").exitCode());
    assertEquals(JobState.LOST, s.get("304").state(), "in neither bjobs nor bhist");
  }

  @Test
  void status_lostWhereBhistIsMissing() throws Exception {
    runner.answer(255, "", "Job <9> is not found\n");
    runner.failWith(
        new IOException(
            "Cannot run program \"/opt/lsf/bin/bhist\": error=2, No such file or directory"));
    assertEquals(JobState.LOST, lsf.status(List.of("9")).get("9").state());
    runner.answer(
        255,
        "{\"COMMAND\":\"bjobs\",\"JOBS\":1,\"RECORDS\":[{\"JOBID\":\"9\","
            + "\"ERROR\":\"Job <9> is not found\"}]}",
        "");
    assertEquals(JobState.LOST, lsf.status(List.of("9")).get("9").state());
    assertEquals(3, runner.calls.size(), "bhist is not tried again");
  }

  @Test
  void status_failingBjobsThrowsRatherThanReportingJobsEnded() {
    runner.answer(255, "", "LSF is down. Please wait ...\n");
    assertThrows(IOException.class, () -> lsf.status(List.of("101")));
    runner.answer(
        1,
        "{\"COMMAND\":\"bjobs\",\"JOBS\":1,\"RECORDS\":[{\"JOBID\":\"101\",\"ERROR\":\"Failed in an"
            + " LSF library call: Slave LIM configuration is not ready yet\"}]}",
        "");
    assertThrows(IOException.class, () -> lsf.status(List.of("101")));
  }

  @Test
  void status_failingBhistThrows() {
    runner.answer(
        255,
        "{\"COMMAND\":\"bjobs\",\"JOBS\":1,\"RECORDS\":[{\"JOBID\":\"9\","
            + "\"ERROR\":\"Job <9> is not found\"}]}",
        "");
    runner.answer(
        255, "", "Failed in an LSF library call: Failed in sending/receiving a message\n");
    assertThrows(IOException.class, () -> lsf.status(List.of("9")));
  }

  @Test
  void status_unknownStatThrows() {
    runner.answer(
        0,
        "{\"COMMAND\":\"bjobs\",\"JOBS\":1,\"RECORDS\":[{\"JOBID\":\"1\"," + "\"STAT\":\"HELD\"}]}",
        "");
    assertThrows(IOException.class, () -> lsf.status(List.of("1")));
  }

  @Test
  void status_noIdsRunsNothing() throws Exception {
    assertTrue(lsf.status(List.of()).isEmpty());
    assertTrue(runner.calls.isEmpty());
  }

  @Test
  void findByName_newestJobOfThatName() throws Exception {
    runner.answer(
        0,
        "{\"COMMAND\":\"bjobs\",\"JOBS\":2,\"RECORDS\":["
            + "{\"JOBID\":\"17\",\"STAT\":\"EXIT\",\"JOB_NAME\":\"cairn-r1-biomass-a1\"},"
            + "{\"JOBID\":\"21\",\"STAT\":\"RUN\",\"JOB_NAME\":\"cairn-r1-biomass-a1\"}]}",
        "");
    assertEquals(Optional.of("21"), lsf.findByName("cairn-r1-biomass-a1"));
    assertEquals(
        List.of("/opt/lsf/bin/bjobs", "-a", "-J", "cairn-r1-biomass-a1", "-o", FIELDS, "-json"),
        runner.calls.get(0));
  }

  @Test
  void findByName_noneFound() throws Exception {
    runner.answer(
        255,
        "{\"COMMAND\":\"bjobs\",\"JOBS\":1,\"RECORDS\":[{\"ERROR\":"
            + "\"Job <cairn-r1-biomass-a1> is not found\"}]}",
        "");
    assertEquals(Optional.empty(), lsf.findByName("cairn-r1-biomass-a1"));
    runner.answer(255, "", "No matching job found\n");
    assertEquals(Optional.empty(), lsf.findByName("cairn-r1-biomass-a1"));
  }

  @Test
  void cancel_oneBkillIgnoringEndedJobs() throws Exception {
    runner.answer(255, recorded("lsf", "bkill.txt"), recorded("lsf", "bkill-finished-stderr.txt"));
    lsf.cancel(List.of("401", "402", "403"));
    assertEquals(List.of("/opt/lsf/bin/bkill", "401", "402", "403"), runner.calls.get(0));
  }

  @Test
  void cancel_otherFailuresThrow() {
    runner.answer(255, "", "Job <401>: User permission denied\n");
    assertThrows(IOException.class, () -> lsf.cancel(List.of("401")));
  }

  @Test
  void splitArguments_quotesGroupWords() {
    assertEquals(
        List.of("-mem", "8g", "-require", "type==X86_64 && mem>8", "a b"),
        LsfOptions.splitArguments("-mem 8g  -require 'type==X86_64 && mem>8' a\\ b"));
    assertTrue(LsfOptions.splitArguments("  ").isEmpty());
    assertThrows(CairnException.class, () -> LsfOptions.splitArguments("'open"));
  }

  @Test
  void bhist_ignoresAnEndFollowedByARequeue() {
    String requeued =
        "Job <5>, User <geo>, Project <default>, Command <x>\n"
            + "Tue Dec 23 14:46:43: Starting (Pid 1);\n"
            + "Tue Dec 23 14:50:01: Exited with exit code 130. The CPU time used is 1.0 seconds;\n"
            + "Tue Dec 23 14:50:01: Completed <exit>; TERM_REQUEUE_ADMIN: job killed and"
            + " requeued.\n"
            + "Tue Dec 23 14:50:02: Pending: Job has been requeued;\n";
    assertNull(LsfHistory.parse(requeued).get("5"));
    assertFalse(LsfHistory.parse(recorded("lsf", "bhist-none.txt")).containsKey("5"));
  }

  private JobSubmission submission(Map<String, String> environment) throws IOException {
    Path script = dir.resolve("job.sh");
    Files.writeString(script, "#!/bin/bash\n#BSUB -J cairn-r1-biomass-a1\necho hi\n");
    return new JobSubmission(
        "cairn-r1-biomass-a1",
        script,
        dir.resolve("run"),
        dir.resolve("run/out/biomass.out"),
        dir.resolve("run/err/biomass.err"),
        environment);
  }
}
