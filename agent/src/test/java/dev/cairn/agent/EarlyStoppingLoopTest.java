package dev.cairn.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.Faults;
import dev.cairn.config.AgentSettings;
import dev.cairn.metrics.Metrics;
import dev.cairn.model.EarlyStopRecord;
import dev.cairn.model.JobState;
import dev.cairn.model.RunState;
import dev.cairn.model.RungDecision;
import dev.cairn.model.Verdict;
import dev.cairn.render.ScriptRenderer;
import dev.cairn.render.Site;
import dev.cairn.scheduler.FakeSchedulers;
import dev.cairn.scheduler.Schedulers;
import dev.cairn.store.FileObjectStore;
import dev.cairn.testing.FakeScheduler;
import dev.cairn.testing.Fixtures;
import dev.cairn.testing.ManualClock;
import dev.cairn.testing.TestAgents;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Early stopping in the loop, on the in-memory scheduler and the manual clock: the test writes each
 * trial's CSV log as the demo trainer would, moves the fake's jobs, and checks what the agent
 * decided, saved, cancelled and recorded, across a restart between a decision and its cancel.
 */
class EarlyStoppingLoopTest {
  /** Three learning rates, one seed: three trials of one task in one array; rungs 1 and 3. */
  private static final String CONFIG =
      "EXPERIMENT_NAME=asha\nTRAINER=demo\nSCHEDULER=slurm\nTASKS=landslide\nGPUS_PER_JOB=0\n"
          + "LEARNING_RATE=1e-3,1e-2,1e-1\nEPOCHS=9\nEARLY_STOP=asha\n";

  private static final String COMMIT = "e".repeat(40);

  @TempDir Path tmp;
  private final ManualClock clock = new ManualClock(Instant.parse("2026-12-07T10:00:00Z"));
  private FakeScheduler slurm;
  private FileObjectStore store;
  private Schedulers schedulers;
  private Agent agent;

  private void start(Faults faults) throws Exception {
    if (slurm == null) {
      slurm = new FakeScheduler("slurm", 10);
      store = new FileObjectStore(tmp.resolve("store"));
      schedulers = FakeSchedulers.of(slurm);
    }
    AgentSettings settings = TestAgents.settings(tmp, store, Map.of());
    ScriptRenderer renderer =
        new ScriptRenderer(Fixtures.templates(), new Site("", "/t.jar", "", "test"));
    agent =
        new Agent(
            AgentParts.of(settings, store, schedulers, renderer, clock)
                .withInstruments(Metrics.NONE, faults));
  }

  @AfterEach
  void tearDown() {
    if (schedulers != null) {
      schedulers.close();
    }
  }

  private void tick() throws Exception {
    clock.advance(Duration.ofSeconds(5));
    agent.tick();
  }

  private Run run() {
    return agent.runs().values().iterator().next();
  }

  private JobRun trial(String lr) {
    return run().jobs().stream()
        .filter(j -> lr.equals(j.values().get("LEARNING_RATE")))
        .findFirst()
        .orElseThrow();
  }

  /** Appends the validation rows of {@code epochs} as the demo trainer logs them. */
  private void logs(String lr, double... mIoU) throws IOException {
    Path csv =
        Path.of(Objects.requireNonNull(run().runDir()))
            .resolve("predictions")
            .resolve(trial(lr).id())
            .resolve("metrics.csv");
    Files.createDirectories(csv.getParent());
    StringBuilder rows = new StringBuilder(Files.exists(csv) ? "" : "epoch,step,val/mIoU\n");
    int first = Files.exists(csv) ? (int) Files.lines(csv).count() - 1 : 0;
    for (int i = 0; i < mIoU.length; i++) {
      rows.append(first + i).append(',').append(10 * (first + i)).append(',').append(mIoU[i]);
      rows.append('\n');
    }
    Files.writeString(csv, rows, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }

  /** The test metrics a trial that ran to its end writes. */
  private void tested(String lr, double mIoU) throws IOException {
    Path dir =
        Path.of(Objects.requireNonNull(run().runDir()))
            .resolve("predictions")
            .resolve(trial(lr).id());
    Files.writeString(dir.resolve("metrics.json"), "{\"test/mIoU\": " + mIoU + "}\n");
  }

  private void runningAll() {
    run().jobs().forEach(j -> slurm.set(Objects.requireNonNull(j.schedulerId()), JobState.RUNNING));
  }

  /**
   * The three trials reach epoch 1 one tick apart: 1e-2 alone goes on, 1e-3 beats it and goes on,
   * 1e-1 is third of three, below the cut-off (the best, as eta is 3), and stops.
   */
  private void reachTheFirstRung() throws Exception {
    logs("1e-2", 0.60);
    tick();
    logs("1e-3", 0.65);
    tick();
    logs("1e-1", 0.10);
    tick();
  }

  @Test
  void aTrialBehindAtARung_isStoppedAlone_andTheRunSucceedsWithoutIt() throws Exception {
    start(Faults.NONE);
    TestAgents.queue(store, COMMIT, CONFIG, 1, clock.instant());
    tick();
    assertEquals(
        List.of("100_0", "100_1", "100_2"),
        run().jobs().stream().map(JobRun::schedulerId).toList());
    runningAll();
    tick();
    tick();
    assertTrue(run().rungDecisions().isEmpty(), "nothing logged, nothing decided");
    reachTheFirstRung();
    String decidedAt = clock.instant().toString();
    JobRun bad = trial("1e-1");
    // cancelled, and STOPPED only once the scheduler says it ended: it may still be writing
    assertEquals(List.of(bad.schedulerId()), slurm.cancelled, "the array element alone");
    assertEquals(JobState.RUNNING, bad.state());
    assertTrue(
        Objects.requireNonNull(bad.stopping())
            .startsWith("stopped early: val/mIoU 0.1000 below the cut-off 0.6500 at epoch 1"),
        bad.stopping());
    assertTrue(run().jobs().stream().noneMatch(JobRun::isDone), "the run does not collect yet");
    slurm.set(Objects.requireNonNull(bad.schedulerId()), JobState.CANCELLED);
    tick();
    bad = trial("1e-1");
    assertEquals(JobState.STOPPED, bad.state(), bad.reason());
    assertEquals(bad.history().get(0).reason(), bad.reason());
    assertTrue(
        Objects.requireNonNull(bad.reason())
            .startsWith("stopped early: val/mIoU 0.1000 below the cut-off 0.6500 at epoch 1"),
        bad.reason());
    assertEquals(JobState.RUNNING, trial("1e-3").state());
    assertEquals(JobState.RUNNING, trial("1e-2").state());
    List<RungDecision> decided = run().rungDecisions();
    assertEquals(3, decided.size(), decided.toString());
    RungDecision stop = decided.get(2);
    assertEquals(new RungDecision(bad.id(), 1, 0.10, 0.65, 3, Verdict.STOP, stop.at()), stop);
    assertEquals(decidedAt, stop.at());
    String saved = run().updatedAt();
    tick();
    tick();
    assertEquals(saved, run().updatedAt(), "nothing new, nothing saved (nor status.json written)");

    // rung 3, one at a time again (1e-3 then a better 1e-2): both go on and finish
    logs("1e-3", 0.66, 0.68);
    tick();
    logs("1e-2", 0.70, 0.72);
    tick();
    logs("1e-3", 0.69, 0.70, 0.71, 0.72, 0.73, 0.74);
    logs("1e-2", 0.73, 0.74, 0.75, 0.76, 0.77, 0.78);
    tick();
    tested("1e-3", 0.71);
    tested("1e-2", 0.77);
    slurm.set(Objects.requireNonNull(trial("1e-3").schedulerId()), JobState.COMPLETED);
    slurm.set(Objects.requireNonNull(trial("1e-2").schedulerId()), JobState.COMPLETED);
    for (int i = 0; i < 4 && !run().state().isTerminal(); i++) {
      tick();
    }
    assertEquals(JobState.STOPPED, trial("1e-1").state());
    assertEquals(RunState.SUCCEEDED, run().state(), run().message());
    assertTrue(
        Objects.requireNonNull(run().outcomeMessage()).endsWith("; 1 stopped early"),
        run().outcomeMessage());
    EarlyStopRecord early = Objects.requireNonNull(run().earlyStop());
    assertEquals(27, early.epochsPlanned());
    assertEquals(19, early.epochsRun(), "9 + 9 + the 1 epoch of the stopped trial");
    assertEquals(1, early.stopped());
    assertEquals(5, early.decisions().size(), early.decisions().toString());
    assertEquals(
        List.of(new EarlyStopRecord.Rule("landslide", "val/mIoU", true, List.of(1, 3))),
        early.rules());
    assertEquals(1, slurm.cancelled.size(), "stopped once");
  }

  @Test
  void aRestartBetweenADecisionAndItsCancel_stopsTheTrialOnce_andDecidesNothingTwice()
      throws Exception {
    Faults crashAfterDeciding =
        new Faults() {
          @Override
          public void at(String step) {
            if (step.equals("rung-decided")) {
              throw new IllegalStateException("killed after the decision was saved");
            }
          }

          @Override
          public void stopAsked() {}
        };
    start(crashAfterDeciding);
    TestAgents.queue(store, COMMIT, CONFIG, 1, clock.instant());
    tick();
    runningAll();
    tick();
    reachTheFirstRung();
    // the agent "died" after saving: the decision is on record, the job still runs
    assertTrue(slurm.cancelled.isEmpty(), slurm.cancelled.toString());
    List<RungDecision> onRecord = run().rungDecisions();
    assertEquals(1, onRecord.stream().filter(RungDecision::stops).count(), onRecord.toString());
    assertEquals(JobState.RUNNING, trial("1e-1").state());

    // a new agent on the same state folder: it acts on the record before anything else
    start(Faults.NONE);
    assertEquals(onRecord, run().rungDecisions(), "the decisions survive the restart");
    tick();
    tick();
    assertEquals(List.of(trial("1e-1").schedulerId()), slurm.cancelled, "cancelled once");
    slurm.set(Objects.requireNonNull(trial("1e-1").schedulerId()), JobState.CANCELLED);
    tick();
    assertEquals(JobState.STOPPED, trial("1e-1").state(), trial("1e-1").reason());
    assertEquals(onRecord, run().rungDecisions(), "and nothing decided twice");
  }

  @Test
  void withSplitStages_theEvaluateJobQueuedBehindAStoppedTrainJobIsCancelledToo() throws Exception {
    start(Faults.NONE);
    TestAgents.queue(store, COMMIT, CONFIG + "STAGES=train,evaluate\n", 1, clock.instant());
    tick();
    tick();
    JobRun bad = trial("1e-1");
    String evaluate = bad.evaluateId();
    assertNotNull(evaluate, "its evaluate job waits behind training");
    runningAll();
    tick();
    reachTheFirstRung();
    assertEquals(List.of(bad.schedulerId(), evaluate), slurm.cancelled);
    slurm.set(Objects.requireNonNull(bad.schedulerId()), JobState.CANCELLED);
    tick();
    assertEquals(JobState.STOPPED, trial("1e-1").state());
    assertNull(trial("1e-1").evaluateId());
  }

  @Test
  void aDecisionOnRecordIsNeverChangedOrDropped() throws Exception {
    start(Faults.NONE);
    TestAgents.queue(store, COMMIT, CONFIG, 1, clock.instant());
    tick();
    runningAll();
    logs("1e-3", 0.50);
    tick();
    Run run = run();
    EarlyStopRecord now = Objects.requireNonNull(run.earlyStop());
    assertEquals(1, now.decisions().size());
    EarlyStopRecord dropped = new EarlyStopRecord(1, 3, now.rules(), List.of(), 27, 1, 0, 0);
    assertThrows(IllegalTransition.class, () -> run.earlyStop(dropped));
  }
}
