package dev.cairn.agent;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.Json;
import dev.cairn.config.AgentSettings;
import dev.cairn.config.ExperimentConfig;
import dev.cairn.model.JobState;
import dev.cairn.model.StoreKeys;
import dev.cairn.scheduler.ExecCommandRunner;
import dev.cairn.scheduler.Schedulers;
import dev.cairn.store.FileObjectStore;
import dev.cairn.testing.LocalJobs;
import dev.cairn.testing.ManualClock;
import dev.cairn.testing.TestAgents;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The reconcile loop end to end on the local scheduler, with stand-in task templates. */
class AgentLoopTest {
  static final String GOOD =
      "EXPERIMENT_NAME=loop\nTRAINER=demo\nSCHEDULER=local\nTASKS=crop_classification,landslide\nEPOCHS=4\nTIME_LIMIT=5\n";
  @TempDir Path tmp;
  private FileObjectStore store;
  private AgentSettings settings;
  private Schedulers schedulers;
  private int commits;

  /** When CI submitted each request: one second apart, so their order is certain. */
  private final ManualClock requestTimes = new ManualClock(Instant.now());

  @BeforeEach
  void setUp() throws Exception {
    store = new FileObjectStore(tmp.resolve("store"));
    useSupersede("queue");
  }

  @AfterEach
  void tearDown() throws Exception {
    if (schedulers != null) {
      schedulers.close();
    }
    // let local jobs that are still ending finish writing into the temporary folder before it goes
    LocalJobs.awaitEnded(tmp, Duration.ofSeconds(15));
  }

  private void useSupersede(String policy) {
    settings =
        TestAgents.settings(
            tmp, store, Map.of("CAIRN_LOCAL_MAX_JOBS", "2", "CAIRN_SUPERSEDE", policy));
  }

  private Agent newAgent() throws Exception {
    if (schedulers != null) {
      schedulers.close();
    }
    schedulers = new Schedulers(settings, Clock.systemUTC(), new ExecCommandRunner());
    return TestAgents.agent(settings, store, schedulers, TestAgents.loopTemplates());
  }

  private String submit(String config) throws Exception {
    String commit =
        ExperimentConfig.sha256(("commit " + ++commits).getBytes(StandardCharsets.UTF_8))
            .substring(0, 40);
    TestAgents.queue(store, commit, config, 1, requestTimes.advance(Duration.ofSeconds(1)));
    return commit;
  }

  /** Ticks until no run is active; the local jobs are real processes, so this polls. */
  private static void runUntilIdle(Agent agent) {
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> !agent.tick());
  }

  private JsonNode status(String commit) throws Exception {
    return Json.MAPPER.readTree(store.get(StoreKeys.statusKey(commit)).orElseThrow().content());
  }

  @Test
  void loop_runsARequestToSucceeded() throws Exception {
    String commit = submit(GOOD);
    runUntilIdle(newAgent());
    JsonNode status = status(commit);
    assertEquals("SUCCEEDED", status.get("state").asText(), status.toString());
    assertEquals(1, status.get("schema").asInt());
    assertEquals(commit, status.get("commit").asText());
    assertEquals(2, status.get("jobs").size());
    for (JsonNode job : status.get("jobs")) {
      assertEquals("COMPLETED", job.get("state").asText());
      assertEquals(1, job.get("attempts").asInt());
      assertEquals(0, job.get("exit_code").asInt());
      assertTrue(job.get("gate_passed").asBoolean());
      assertNotNull(job.get("elapsed_s"));
    }
    assertEquals(0.4, status.get("jobs").get(0).get("metrics").get("test/mIoU").asDouble(), 1e-9);
  }

  @Test
  void loop_rejectsABadConfigAndKeepsRunning() throws Exception {
    String bad = submit(GOOD + "EPOCS=3\n");
    Agent agent = newAgent();
    runUntilIdle(agent);
    JsonNode status = status(bad);
    assertEquals("REJECTED", status.get("state").asText());
    assertTrue(
        status
            .get("message")
            .asText()
            .matches("EPOCS is not a key of config.env; did you mean EPOCHS\\? \\(line \\d+\\)"),
        status.get("message").asText());
    String good = submit(GOOD);
    runUntilIdle(agent);
    assertEquals("SUCCEEDED", status(good).get("state").asText());
  }

  @Test
  void loop_reportsAFailedJobAndAMissedGate() throws Exception {
    String failing =
        submit(
            GOOD.replace("TASKS=crop_classification,landslide", "TASKS=landslide") + "SEED=13\n");
    String missed = submit(GOOD.replace("EPOCHS=4", "EPOCHS=2"));
    runUntilIdle(newAgent());
    JsonNode f = status(failing);
    assertEquals("FAILED", f.get("state").asText());
    assertEquals(3, f.get("jobs").get(0).get("exit_code").asInt());
    assertEquals("landslide FAILED (exit code 3)", f.get("message").asText());
    JsonNode m = status(missed);
    assertEquals("FAILED", m.get("state").asText());
    assertTrue(
        m.get("message")
            .asText()
            .contains(
                "crop_classification missed its quality gate test/mIoU>=0.3 (test/mIoU = 0.2000)"),
        m.get("message").asText());
  }

  @Test
  void loop_resubmitsALostJobWhichResumesFromItsCheckpoint() throws Exception {
    String commit =
        submit(
            GOOD.replace("TASKS=crop_classification,landslide", "TASKS=crop_classification")
                .replace("EPOCHS=4", "EPOCHS=10"));
    Agent agent = newAgent();
    Path spool = settings.stateDir().resolve("local-scheduler/jobs/1");
    agent.tick();
    Run run = agent.runs().values().iterator().next();
    Path epochs = Path.of(run.runDir()).resolve("predictions/crop_classification/epochs.log");
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> agent.tick() && Files.exists(epochs) && Files.readAllLines(epochs).size() >= 3);
    // the job's processes vanish without a trace, as on a node that died
    long pid = Long.parseLong(Files.readString(spool.resolve("pid")).strip());
    new ProcessBuilder("kill", "-KILL", "--", "-" + pid).start().waitFor();
    runUntilIdle(agent);
    JsonNode status = status(commit);
    assertEquals("SUCCEEDED", status.get("state").asText(), status.toString());
    JsonNode job = status.get("jobs").get(0);
    assertEquals(2, job.get("attempts").asInt());
    assertEquals("LOST", job.get("history").get(0).get("state").asText());
    List<String> lines = Files.readAllLines(epochs);
    assertEquals(10, lines.size(), "epochs continued from the checkpoint: " + lines);
    assertEquals("epoch 10", lines.get(9));
  }

  @Test
  void queue_runsTwoCommitsOfABranchInOrder() throws Exception {
    useSupersede("queue");
    String first = submit(GOOD);
    String second = submit(GOOD);
    Agent agent = newAgent();
    agent.tick();
    assertTrue(
        status(second).get("message").asText().startsWith("queued behind run"),
        status(second).toString());
    assertEquals(0, status(second).get("jobs").size());
    runUntilIdle(agent);
    JsonNode a = status(first);
    JsonNode b = status(second);
    assertEquals("SUCCEEDED", a.get("state").asText());
    assertEquals("SUCCEEDED", b.get("state").asText());
    assertTrue(b.get("updated_at").asText().compareTo(a.get("updated_at").asText()) > 0);
    // the second run's jobs were submitted only after the first run's had ended
    int firstLastJob =
        a.get("jobs").findValues("scheduler_id").stream()
            .mapToInt(JsonNode::asInt)
            .max()
            .orElseThrow();
    int secondFirstJob =
        b.get("jobs").findValues("scheduler_id").stream()
            .mapToInt(JsonNode::asInt)
            .min()
            .orElseThrow();
    assertTrue(secondFirstJob > firstLastJob, a + "\n" + b);
  }

  @Test
  void latest_cancelsTheOlderRunOfTheBranch() throws Exception {
    useSupersede("latest");
    String older = submit(GOOD.replace("EPOCHS=4", "EPOCHS=20"));
    Agent agent = newAgent();
    agent.tick();
    agent.tick();
    String newer = submit(GOOD);
    runUntilIdle(agent);
    JsonNode old = status(older);
    assertEquals("CANCELLED", old.get("state").asText(), old.toString());
    assertEquals("superseded by commit " + newer + " on main", old.get("message").asText());
    assertEquals("SUCCEEDED", status(newer).get("state").asText());
  }

  @Test
  void cancel_onRequest_stopsTheJobsAndSaysWhy() throws Exception {
    String commit = submit(GOOD.replace("EPOCHS=4", "EPOCHS=100"));
    Agent agent = newAgent();
    agent.tick();
    agent.tick();
    store.put(
        StoreKeys.cancelKey(commit),
        "{\"by\": \"ana\", \"reason\": \"wrong dataset\"}".getBytes(StandardCharsets.UTF_8));
    runUntilIdle(agent);
    JsonNode status = status(commit);
    assertEquals("CANCELLED", status.get("state").asText(), status.toString());
    assertEquals("cancelled on request by ana: wrong dataset", status.get("message").asText());
    for (JsonNode job : status.get("jobs")) {
      assertEquals("CANCELLED", job.get("state").asText());
    }
    assertTrue(store.get(StoreKeys.cancelKey(commit)).isEmpty(), "the request is consumed");
  }

  @Test
  void restart_afterACrashSubmitsNoJobTwice() throws Exception {
    String commit = submit(GOOD);
    Agent first = newAgent();
    first.tick();
    first.tick();
    // the first agent dies here without any cleanup; a new one starts on the same state
    Agent second = newAgent();
    runUntilIdle(second);
    assertEquals("SUCCEEDED", status(commit).get("state").asText());
    try (Stream<Path> jobs = Files.list(settings.stateDir().resolve("local-scheduler/jobs"))) {
      assertEquals(2, jobs.count(), "one scheduler job per task");
    }
  }

  @Test
  void restart_adoptsASubmissionInterruptedBeforeItsIdWasSaved() throws Exception {
    String commit =
        submit(GOOD.replace("TASKS=crop_classification,landslide", "TASKS=crop_classification"));
    Agent first = newAgent();
    first.tick();
    Run run = first.runs().values().iterator().next();
    JobRun job = run.jobs().get(0);
    assertNotNull(job.schedulerId(), "the first tick submitted the job");
    // as if the agent died between the scheduler's answer and saving it: the record it left
    Path record = settings.stateDir().resolve("runs/" + run.key() + ".json");
    var stored =
        (com.fasterxml.jackson.databind.node.ObjectNode) Json.MAPPER.readTree(record.toFile());
    var storedJob = (com.fasterxml.jackson.databind.node.ObjectNode) stored.get("jobs").get(0);
    storedJob.put("submitting", true).put("state", JobState.NEW.name()).remove("scheduler_id");
    Json.MAPPER.writeValue(record.toFile(), stored);
    Agent second = newAgent();
    runUntilIdle(second);
    assertEquals("SUCCEEDED", status(commit).get("state").asText());
    try (Stream<Path> jobs = Files.list(settings.stateDir().resolve("local-scheduler/jobs"))) {
      assertEquals(1, jobs.count(), "the interrupted submission was found, not repeated");
    }
  }
}
