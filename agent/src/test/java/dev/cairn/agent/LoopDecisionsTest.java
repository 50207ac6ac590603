package dev.cairn.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.CairnException;
import dev.cairn.config.AgentSettings;
import dev.cairn.model.JobState;
import dev.cairn.model.RunState;
import dev.cairn.model.StoreKeys;
import dev.cairn.render.ScriptRenderer;
import dev.cairn.render.Site;
import dev.cairn.scheduler.FakeSchedulers;
import dev.cairn.scheduler.JobSubmission;
import dev.cairn.scheduler.SchedulerRefused;
import dev.cairn.scheduler.Schedulers;
import dev.cairn.store.FileObjectStore;
import dev.cairn.testing.FakeScheduler;
import dev.cairn.testing.Fixtures;
import dev.cairn.testing.ManualClock;
import dev.cairn.testing.TestAgents;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The loop's decisions on a scheduler held in memory and a clock that moves only when told: no
 * process runs and nothing sleeps. Each test moves the fake's jobs through their states and checks
 * what the agent submitted, cancelled and recorded.
 */
class LoopDecisionsTest {
  private static final String CONFIG =
      "EXPERIMENT_NAME=decide\nTRAINER=demo\nSCHEDULER=slurm\nTASKS=landslide\nGPUS_PER_JOB=0\n"
          + "MAX_ATTEMPTS=3\n";
  private static final String COMMIT = "d".repeat(40);

  @TempDir Path tmp;
  private final ManualClock clock = new ManualClock(Instant.parse("2026-12-01T10:00:00Z"));
  private FakeScheduler slurm;
  private FileObjectStore store;
  private Schedulers schedulers;
  private Agent agent;

  private void start(int maxArraySize, Map<String, String> extra) throws Exception {
    slurm = new FakeScheduler("slurm", maxArraySize);
    store = new FileObjectStore(tmp.resolve("store"));
    AgentSettings settings = TestAgents.settings(tmp, store, extra);
    schedulers = FakeSchedulers.of(slurm);
    ScriptRenderer renderer =
        new ScriptRenderer(Fixtures.templates(), new Site("", "/t.jar", "", "test"));
    agent = new Agent(AgentParts.of(settings, store, schedulers, renderer, clock));
  }

  @AfterEach
  void tearDown() {
    if (schedulers != null) {
      schedulers.close();
    }
  }

  private void queue(String config, int attempt) throws Exception {
    TestAgents.queue(store, COMMIT, config, attempt, clock.instant());
  }

  private void tick() throws Exception {
    clock.advance(Duration.ofSeconds(5));
    agent.tick();
  }

  private Run run(int attempt) {
    return agent.runs().values().stream()
        .filter(r -> r.attempt() == attempt)
        .findFirst()
        .orElseThrow();
  }

  private Run run(String commit) {
    return agent.runs().values().stream()
        .filter(r -> r.commit().equals(commit))
        .findFirst()
        .orElseThrow();
  }

  private JobRun job() {
    return run(1).jobs().get(0);
  }

  private String script(String id) throws Exception {
    return Files.readString(slurm.submissions().get(id).script());
  }

  @Test
  void aNodeFailure_isRetriedAsTheNextAttempt_andTheRunGoesOn() throws Exception {
    start(0, Map.of());
    queue(CONFIG, 1);
    tick();
    assertEquals(List.of("100"), List.copyOf(slurm.submissions().keySet()));
    slurm.set("100", JobState.RUNNING);
    tick();
    assertEquals(RunState.RUNNING, run(1).state());
    slurm.set("100", JobState.NODE_FAIL, "NodeFail", null);
    tick();
    tick();
    assertEquals(2, slurm.submissions().size(), slurm.submissions().keySet().toString());
    assertEquals(2, job().attempt());
    assertEquals("101", job().schedulerId());
    assertEquals(JobState.NODE_FAIL, job().history().get(0).state());
    assertEquals(RunState.RUNNING, run(1).state());
    slurm.set("101", JobState.COMPLETED);
    tick();
    tick();
    assertEquals(JobState.COMPLETED, job().state());
    assertEquals(2, job().history().size(), "both attempts are in its history");
    assertTrue(run(1).state().isTerminal(), run(1).state() + ": " + run(1).message());
    assertEquals(run(1).outcome(), run(1).state());
  }

  @Test
  void aPreemptedJob_isResubmittedToResumeFromTheSameCheckpoint() throws Exception {
    start(0, Map.of());
    queue(CONFIG, 1);
    tick();
    slurm.set("100", JobState.PREEMPTED, "Preempted", null);
    tick();
    tick();
    assertEquals("101", job().schedulerId());
    String checkpoint = job().attempt() + " " + checkpointDir(script("101"));
    assertEquals("2 " + checkpointDir(script("100")), checkpoint);
  }

  @Test
  void aTimeout_isResubmittedOnlyWhereACheckpointWasWritten() throws Exception {
    start(0, Map.of());
    queue(CONFIG, 1);
    tick();
    Path dir = Path.of(checkpointDir(script("100")));
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("latest.ckpt"), "epoch 3");
    slurm.set("100", JobState.TIMEOUT, "TimeLimit", null);
    tick();
    tick();
    assertEquals("101", job().schedulerId(), "resumed from latest.ckpt");
    Files.delete(dir.resolve("latest.ckpt"));
    slurm.set("101", JobState.TIMEOUT, "TimeLimit", null);
    tick();
    tick();
    assertEquals(2, slurm.submissions().size(), "no checkpoint, no third attempt");
    assertEquals(JobState.TIMEOUT, job().state());
    assertEquals("time limit reached and no checkpoint to resume from", job().reason());
  }

  @Test
  void splitStages_evaluateWaitsForTrain_andTheTrialGoesOnAsIt() throws Exception {
    start(0, Map.of());
    queue(CONFIG + "STAGES=train,evaluate\nEVAL_PARTITION=short\n", 1);
    tick();
    String evaluate = slurm.idOf("evaluate");
    String train = job().schedulerId();
    assertEquals("train", job().stage());
    assertEquals(evaluate, job().evaluateId());
    JobSubmission behind = slurm.submissions().get(evaluate);
    assertEquals(train, behind.afterOk(), "the scheduler starts evaluate once train succeeded");
    slurm.set(train, JobState.COMPLETED);
    tick();
    assertEquals("evaluate", job().stage());
    assertEquals(evaluate, job().schedulerId());
    assertNull(job().evaluateId());
    assertEquals(2, slurm.submissions().size(), "evaluate was not submitted twice");
    slurm.set(evaluate, JobState.COMPLETED);
    tick();
    assertEquals(JobState.COMPLETED, job().state());
  }

  @Test
  void aCancelRequest_cancelsTheRunAndItsJobsAtTheScheduler() throws Exception {
    start(0, Map.of());
    queue(CONFIG, 1);
    tick();
    slurm.set("100", JobState.RUNNING);
    tick();
    store.put(
        StoreKeys.cancelKey(COMMIT),
        "{\"by\": \"ana\", \"reason\": \"wrong data\", \"attempt\": 1}"
            .getBytes(StandardCharsets.UTF_8));
    tick();
    assertEquals(List.of("100"), slurm.cancelled);
    assertEquals(RunState.CANCELLED, run(1).state());
    assertEquals(JobState.CANCELLED, job().state());
    assertEquals("cancelled on request by ana: wrong data", run(1).message());
  }

  @Test
  void aNewerCommitOnTheBranch_supersedesTheOlderRun() throws Exception {
    start(0, Map.of("CAIRN_SUPERSEDE", "latest"));
    queue(CONFIG, 1);
    tick();
    slurm.set("100", JobState.RUNNING);
    tick();
    String newer = "e".repeat(40);
    TestAgents.queue(store, newer, CONFIG, 1, clock.instant());
    tick();
    tick();
    assertEquals(List.of("100"), slurm.cancelled);
    Run older = run(COMMIT);
    assertEquals(RunState.CANCELLED, older.state());
    assertEquals("superseded by commit " + newer + " on main", older.message());
    assertEquals(JobState.CANCELLED, older.jobs().get(0).state());
    assertTrue(!run(newer).state().isTerminal(), run(newer).state() + ": " + run(newer).message());
    assertEquals("101", run(newer).jobs().get(0).schedulerId());
  }

  @Test
  void anArrayElementFailing_isResubmittedAlone() throws Exception {
    start(10, Map.of());
    queue(CONFIG + "GEOFM=prithvi_eo_v1_100,prithvi_eo_v2_300\n", 1);
    tick();
    assertEquals(1, slurm.submissions().size(), "two trials, one array");
    List<JobRun> jobs = run(1).jobs();
    assertEquals(List.of("100_0", "100_1"), jobs.stream().map(j -> j.schedulerId()).toList());
    slurm.set("100_0", JobState.RUNNING);
    slurm.set("100_1", JobState.NODE_FAIL, "NodeFail", null);
    tick();
    tick();
    assertEquals(2, slurm.submissions().size());
    assertEquals("100_0", run(1).jobs().get(0).schedulerId());
    assertEquals(JobState.RUNNING, run(1).jobs().get(0).state());
    JobRun failed = run(1).jobs().get(1);
    assertEquals("101", failed.schedulerId(), "the element goes again as a job of its own");
    assertNull(failed.arrayIndex());
    assertEquals(2, failed.attempt());
    assertTrue(slurm.cancelled.isEmpty(), "its sibling is left running");
  }

  @Test
  void aSchedulerRefusal_failsTheJobWithTheSchedulersWords() throws Exception {
    start(0, Map.of());
    slurm.refuseNext(new SchedulerRefused("SLURM refused job x: invalid partition specified: gpu"));
    queue(CONFIG, 1);
    tick();
    assertEquals(JobState.FAILED, job().state());
    assertEquals("SLURM refused job x: invalid partition specified: gpu", job().reason());
    tick();
    assertEquals(RunState.FAILED, run(1).state());
  }

  @Test
  void aProblemOfOursOnSubmission_isNotTakenForARefusal() throws Exception {
    start(0, Map.of());
    slurm.refuseNext(new CairnException("job variable X cannot be passed by sbatch --export"));
    queue(CONFIG, 1);
    tick();
    assertEquals(JobState.FAILED, job().state());
    assertEquals(
        "the job cannot be submitted: job variable X cannot be passed by sbatch --export",
        job().reason());
  }

  /** The checkpoint folder a rendered script hands its trainer. */
  private static String checkpointDir(String script) {
    int at = script.indexOf("--checkpoint-dir ");
    assertTrue(at >= 0, script);
    return script.substring(at + "--checkpoint-dir ".length()).split("\\s", 2)[0];
  }
}
