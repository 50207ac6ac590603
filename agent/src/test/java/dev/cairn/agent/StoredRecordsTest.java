package dev.cairn.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.Json;
import dev.cairn.model.JobState;
import dev.cairn.model.RunState;
import dev.cairn.testing.LogCapture;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Records written by earlier releases (kept under {@code test/resources/records/}) load into the
 * agent's runs: a sweep in a job array, split stages, a failed attempt kept in history, and the
 * shapes written before array throttles, before stages and before sweeps.
 */
class StoredRecordsTest {
  @TempDir Path tmp;

  private Run load(String sample) throws IOException {
    Path runs = tmp.resolve("runs");
    Files.createDirectories(runs);
    try (InputStream in = getClass().getResourceAsStream("/records/" + sample)) {
      Files.copy(in, runs.resolve(sample));
    }
    List<Run> loaded = new RunRepository(tmp).loadAll();
    assertEquals(1, loaded.size(), sample);
    return loaded.get(0);
  }

  @Test
  void aSweepInAJobArrayLoadsEveryTrialWithItsElementAndThrottle() throws Exception {
    Run run = load("sweep-array.json");
    assertEquals("a1".repeat(20), run.commit());
    assertEquals(RunState.RUNNING, run.state());
    assertEquals("main", run.verified().branch());
    assertEquals(3, run.jobs().size());
    JobRun third = run.jobs().get(2);
    assertEquals("crop_classification-t2", third.id());
    assertEquals(Map.of("LEARNING_RATE", "1e-3"), third.values());
    assertEquals("60", third.resources().get("TIME_LIMIT"));
    assertEquals(2, third.arrayIndex());
    assertEquals(2, third.arraySlots());
    assertEquals("4711_2", third.schedulerId());
    assertEquals(JobState.PENDING, third.state());
    assertEquals("JobArrayTaskLimit", third.reason());
  }

  @Test
  void splitStagesKeepTheTrainJobAndTheEvaluateJobThatWaitsForIt() throws Exception {
    Run run = load("stages-train-evaluate.json");
    assertEquals(2, run.attempt());
    JobRun job = run.jobs().get(0);
    assertEquals("train", job.stage());
    assertEquals("5001", job.schedulerId());
    assertEquals("5002", job.evaluateId());
    assertTrue(job.evaluateName().endsWith("-evaluate"));
    assertEquals("val/mIoU", job.gate().metric());
    assertEquals(JobState.RUNNING, job.state());
  }

  @Test
  void aFailedRunKeepsItsOutcomeMetricsAndTheAttemptBefore() throws Exception {
    Run run = load("failed-attempt-in-history.json");
    assertEquals(RunState.FAILED, run.state());
    assertEquals(RunState.FAILED, run.outcome());
    assertEquals("d4".repeat(20), run.resultsCommit());
    JobRun job = run.jobs().get(0);
    assertEquals(JobState.FAILED, job.state());
    assertEquals(1, job.exitCode());
    assertEquals(0.42, job.metrics().get("val/mIoU"));
    assertEquals(false, job.gatePassed());
    assertEquals(1, job.history().size());
    assertEquals(JobState.NODE_FAIL, job.history().get(0).state());
    assertEquals("6001", job.history().get(0).schedulerId());
    assertEquals(30000L, job.gpuMemMb());
  }

  @Test
  void recordsWrittenBeforeArrayThrottlesLoadWithoutOne() throws Exception {
    JobRun job = load("before-array-slots.json").jobs().get(1);
    assertEquals(1, job.arrayIndex());
    assertNull(job.arraySlots());
  }

  @Test
  void recordsWrittenBeforeStagesLoadAsOneJobThatTrainsAndEvaluates() throws Exception {
    JobRun job = load("before-stages.json").jobs().get(0);
    assertNull(job.stage());
    assertNull(job.evaluateId());
    assertEquals("crop_classification-t0", job.id());
    assertEquals(JobState.RUNNING, job.state());
  }

  @Test
  void recordsWrittenBeforeSweepsNameTheJobByItsTask() throws Exception {
    Run run = load("before-sweeps.json");
    assertNull(run.verified());
    JobRun job = run.jobs().get(0);
    assertNull(job.trial());
    assertEquals("landslide", job.id());
    assertEquals(job, run.job("landslide"));
    assertTrue(job.values().isEmpty());
    assertEquals(JobState.FAILED, job.state());
  }

  @Test
  void recordsOfTheCurrentFormatAreWrittenBackAsTheyWereRead() throws Exception {
    for (String sample :
        List.of(
            "sweep-array.json", "stages-train-evaluate.json", "failed-attempt-in-history.json")) {
      Path state = tmp.resolve(sample + "-state");
      Path runs = Files.createDirectories(state.resolve("runs"));
      byte[] before;
      try (InputStream in = getClass().getResourceAsStream("/records/" + sample)) {
        before = in.readAllBytes();
      }
      Files.write(runs.resolve(sample), before);
      RunRepository repository = new RunRepository(state);
      Run run = repository.loadAll().get(0);
      repository.save(run);
      byte[] after = Files.readAllBytes(runs.resolve(run.key() + ".json"));
      assertEquals(Json.MAPPER.readTree(before), Json.MAPPER.readTree(after), sample);
    }
  }

  @Test
  void aRecordOfAFutureSchemaIsRefusedInOneLineAndTheOthersStillLoad() throws Exception {
    Path runs = tmp.resolve("runs");
    Files.createDirectories(runs);
    try (InputStream in = getClass().getResourceAsStream("/records/sweep-array.json")) {
      String text = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      Files.writeString(
          runs.resolve("future.json"), text.replace("\"schema\": 1", "\"schema\": 99"));
      Files.writeString(runs.resolve("current.json"), text);
    }
    try (LogCapture log = new LogCapture()) {
      List<Run> loaded = new RunRepository(tmp).loadAll();
      assertEquals(1, loaded.size());
      assertTrue(
          log.lines().stream().anyMatch(m -> m.contains("future.json") && m.contains("schema 99")),
          log.lines().toString());
    }
  }
}
