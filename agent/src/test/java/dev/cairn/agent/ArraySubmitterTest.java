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
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A sweep on SLURM (its commands scripted): arrays, element ids, a lone resubmission, recovery. */
class ArraySubmitterTest {
  static final String SWEEP =
      "EXPERIMENT_NAME=arr\nTRAINER=demo\nSCHEDULER=slurm\nTASKS=landslide\nGPUS_PER_JOB=0\n"
          + "GEOFM=prithvi_eo_v1_100,prithvi_eo_v2_300\n";
  static final String MAX_ARRAY = "MaxArraySize            = 1001";

  @TempDir Path tmp;
  private final ScriptedRunner slurm = new ScriptedRunner();
  private FileObjectStore store;
  private Schedulers schedulers;
  private AgentSettings settings;

  @BeforeEach
  void setUp() throws Exception {
    store = new FileObjectStore(tmp.resolve("store"));
    settings = TestAgents.settings(tmp, store, Map.of("CAIRN_MAX_ARRAY_SIZE", "3"));
    schedulers = new Schedulers(settings, Clock.systemUTC(), slurm);
    // the agent's announcement asks this at its own pace, outside the job's script
    slurm.answerAlways(List.of("sinfo"), "debug\n");
  }

  @AfterEach
  void tearDown() {
    schedulers.close();
  }

  private Agent agent() throws Exception {
    return TestAgents.agent(settings, store, schedulers, Fixtures.templates());
  }

  private void submit(String config) throws Exception {
    TestAgents.queue(store, "c".repeat(40), config);
  }

  private static String row(String id, String state, String arrayId, String index, String name) {
    return id + "|" + state + "|None|0|0:05|0|" + arrayId + "|" + index + "|" + name;
  }

  @Test
  void sweep_goesAsArraysChunkedAtTheLimit_andAFailedElementAloneAsAPlainJob() throws Exception {
    submit(SWEEP + "SEED=1,2\n"); // 4 trials of one task and one shape; arrays of at most 3
    Agent agent = agent();
    slurm.answer(0, MAX_ARRAY, "");
    slurm.answer(0, "500\n", "");
    slurm.answer(0, "501\n", "");
    slurm.answer(
        0,
        List.of(
            row("502", "RUNNING", "500", "0", "a"),
            row("503", "NODE_FAIL", "500", "1", "a"),
            row("500", "PENDING", "500", "2", "a"),
            row("504", "RUNNING", "501", "0", "b")),
        "");
    agent.tick();
    Run run = agent.runs().values().iterator().next();
    // the node-failed element waits to go again; its siblings keep their element ids
    assertEquals(
        java.util.Arrays.asList("500_0", null, "500_2", "501_0"),
        run.jobs().stream().map(j -> j.schedulerId()).toList());
    assertEquals(List.of("scontrol", "show", "config"), slurm.calls.get(0));
    String firstArray = slurm.calls.get(1).get(slurm.calls.get(1).size() - 1);
    assertTrue(firstArray.contains("/scripts/array-landslide-"), firstArray);
    String script = Files.readString(Path.of(firstArray));
    assertTrue(script.contains("#SBATCH --array=0-2\n"), script);
    assertTrue(
        Files.readString(Path.of(slurm.calls.get(2).get(slurm.calls.get(2).size() - 1)))
            .contains("#SBATCH --array=0-0\n"));
    assertTrue(
        slurm.calls.get(3).contains("--jobs=500_0,500_1,500_2,501_0"),
        slurm.calls.get(3).toString());
    JobRun failed = run.jobs().get(1);
    assertEquals(JobState.NEW, failed.state());
    assertEquals(2, failed.attempt());

    slurm.answer(0, "505\n", "");
    slurm.answer(
        0,
        List.of(
            row("502", "RUNNING", "500", "0", "a"),
            row("500", "PENDING", "500", "2", "a"),
            row("504", "RUNNING", "501", "0", "b"),
            row("505", "PENDING", "505", "N/A", "c")),
        "");
    agent.tick();
    String alone = slurm.calls.get(4).get(slurm.calls.get(4).size() - 1);
    assertTrue(alone.endsWith("/scripts/" + failed.trial() + ".sh"), alone);
    JobRun resubmitted = run.jobs().get(1);
    assertEquals("505", resubmitted.schedulerId());
    assertNull(resubmitted.arrayIndex());
    assertEquals(JobState.PENDING, resubmitted.state());
  }

  @Test
  void anArrayWhoseSubmissionWasLostIsFoundByNameAndItsElementsByIndex() throws Exception {
    submit(SWEEP);
    Agent agent = agent();
    slurm.answer(0, MAX_ARRAY, "");
    slurm.failWith(new IOException("sbatch: Socket timed out"));
    agent.tick(); // nothing to poll: no job has an id yet
    Run run = agent.runs().values().iterator().next();
    assertTrue(run.jobs().stream().allMatch(j -> j.submitting() && j.schedulerId() == null));
    String name = run.jobs().get(0).jobName();
    for (int i = 0; i < 2; i++) {
      slurm.answer(
          0,
          List.of(row("700", "PENDING", "700", "1", name), row("701", "RUNNING", "700", "0", name)),
          "");
    }
    slurm.answer(
        0,
        List.of(row("700", "PENDING", "700", "1", name), row("701", "RUNNING", "700", "0", name)),
        "");
    agent.tick();
    assertEquals("700_0", run.jobs().get(0).schedulerId());
    assertEquals("700_1", run.jobs().get(1).schedulerId());
    assertEquals(JobState.RUNNING, run.jobs().get(0).state());
    assertEquals(JobState.PENDING, run.jobs().get(1).state());
    assertEquals(
        1, slurm.calls.stream().filter(c -> c.get(0).equals("sbatch")).count(), "not twice");
  }

  @Test
  void sweepMaxParallel_isSharedAmongArrays_andAnArrayWithNoSlotWaits() throws Exception {
    // three tasks x two seeds: three arrays of two, at most three trials at once for the run
    submit(
        SWEEP
                .replace("TASKS=landslide", "TASKS=crop_classification,landslide,biomass")
                .replace("GEOFM=prithvi_eo_v1_100,prithvi_eo_v2_300", "GEOFM=prithvi_eo_v2_300")
            + "SEED=1,2\nSWEEP_MAX_PARALLEL=3\n");
    Agent agent = agent();
    slurm.answer(0, MAX_ARRAY, "");
    slurm.answer(0, "500\n", "");
    slurm.answer(0, "501\n", "");
    slurm.answer(
        0,
        List.of(
            row("502", "RUNNING", "500", "0", "a"),
            row("503", "RUNNING", "500", "1", "a"),
            row("504", "RUNNING", "501", "0", "b"),
            row("501", "PENDING", "501", "1", "b")),
        "");
    agent.tick();
    List<List<String>> sbatch =
        slurm.calls.stream().filter(c -> c.get(0).equals("sbatch")).toList();
    assertEquals(2, sbatch.size(), "the third array waits for a slot: " + slurm.calls);
    assertTrue(Files.readString(Path.of(last(sbatch.get(0)))).contains("#SBATCH --array=0-1%2\n"));
    assertTrue(Files.readString(Path.of(last(sbatch.get(1)))).contains("#SBATCH --array=0-1%1\n"));
    Run run = agent.runs().values().iterator().next();
    assertEquals(3, ArraySubmitter.slotsInUse(run, 3));
    assertEquals(
        2,
        run.jobs().stream()
            .filter(j -> j.schedulerId() == null && j.state() == JobState.NEW)
            .count());
  }

  private static String last(List<String> call) {
    return call.get(call.size() - 1);
  }
}
