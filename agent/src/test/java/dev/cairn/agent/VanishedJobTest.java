package dev.cairn.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.config.AgentSettings;
import dev.cairn.model.JobState;
import dev.cairn.scheduler.Schedulers;
import dev.cairn.store.FileObjectStore;
import dev.cairn.testing.Fixtures;
import dev.cairn.testing.ScriptedRunner;
import dev.cairn.testing.TestAgents;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A job SLURM forgot while the agent was down (no accounting, past {@code MinJobAge}): squeue and
 * scontrol both answer "Invalid job id". The job's own {@code exit.json} settles how it ended when
 * it names this very job; otherwise it is LOST and resubmitted (its commands scripted here; {@code
 * SlurmVanishedJobIT} shows the same on the real SLURM).
 */
class VanishedJobTest {
  private static final String CONFIG =
      "EXPERIMENT_NAME=gone\nTRAINER=demo\nSCHEDULER=slurm\nTASKS=landslide\nGPUS_PER_JOB=0\n";
  private static final String INVALID = "slurm_load_jobs error: Invalid job id specified\n";

  @TempDir Path tmp;
  private final ScriptedRunner slurm = new ScriptedRunner();
  private Schedulers schedulers;
  private Agent agent;
  private Run run;

  @BeforeEach
  void submitAndStart() throws Exception {
    FileObjectStore store = new FileObjectStore(tmp.resolve("store"));
    AgentSettings settings = TestAgents.settings(tmp, store, Map.of());
    schedulers = new Schedulers(settings, Clock.systemUTC(), slurm);
    // the agent's announcement asks these at its own pace, outside the job's script
    slurm.answerAlways(List.of("sinfo"), "debug\n");
    slurm.answerAlways(List.of("scontrol", "show", "config"), "MaxArraySize = 1001\n");
    agent = TestAgents.agent(settings, store, schedulers, Fixtures.templates());
    TestAgents.queue(store, "d".repeat(40), CONFIG);
    slurm.answer(0, "500\n", "");
    slurm.answer(0, "500|RUNNING|None|0|0:05|0|500|N/A|cairn-x\n", "");
    agent.tick();
    run = agent.runs().values().iterator().next();
    assertEquals(JobState.RUNNING, run.jobs().get(0).state());
  }

  @AfterEach
  void tearDown() {
    schedulers.close();
  }

  /** squeue, then the accounting probe, then scontrol: none of them knows job 500 any more. */
  private void slurmForgetsTheJob() {
    slurm.answer(1, "", INVALID);
    slurm.answer(1, "", "sacct: error: Slurm accounting storage is disabled\n");
    slurm.answer(1, "", INVALID);
  }

  private void jobWrote(String json) throws Exception {
    Path out = Path.of(run.runDir()).resolve("predictions").resolve("landslide");
    Files.createDirectories(out);
    Files.writeString(out.resolve("exit.json"), json);
  }

  @Test
  void forgottenJobThatExitedZero_isCompletedAndNotRunAgain() throws Exception {
    jobWrote("{\"job_id\": \"500\", \"exit_code\": 0, \"stopped\": \"\"}\n");
    slurmForgetsTheJob();
    agent.tick();
    JobRun job = run.jobs().get(0);
    assertEquals(JobState.COMPLETED, job.state());
    assertEquals(1, job.attempt());
    assertTrue(job.reason().contains("exit code 0 from the job's exit.json"), job.reason());
    assertEquals(
        1,
        slurm.calls.stream().filter(c -> c.get(0).equals("sbatch")).count(),
        "submitted once: " + slurm.calls);
  }

  @Test
  void forgottenJobThatFailed_isFailedWithItsExitCode() throws Exception {
    jobWrote("{\"job_id\": \"500\", \"exit_code\": 3, \"stopped\": \"\"}\n");
    slurmForgetsTheJob();
    agent.tick();
    JobRun job = run.jobs().get(0);
    assertEquals(JobState.FAILED, job.state());
    assertEquals(3, job.exitCode());
    assertEquals(1, job.attempt());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"job_id\": \"499\", \"exit_code\": 0, \"stopped\": \"\"}",
        "{\"job_id\": \"500\", \"exit_code\": 0, \"stopped\": \"TERM\"}",
        "{\"job_id\": \"500\", \"exit_code\": ",
        ""
      })
  void anotherJobsRecordAStoppedJobOrNoRecord_leavesItLostAndResubmitted(String json)
      throws Exception {
    jobWrote(json);
    slurmForgetsTheJob();
    agent.tick();
    JobRun job = run.jobs().get(0);
    assertEquals(JobState.LOST, job.history().get(0).state());
    assertEquals(JobState.NEW, job.state());
    assertEquals(2, job.attempt());
    assertNull(job.schedulerId());
  }
}
