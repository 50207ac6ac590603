package dev.cairn.agent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.Json;
import dev.cairn.model.EarlyStopRecord;
import dev.cairn.model.JobState;
import dev.cairn.model.RunState;
import dev.cairn.testing.LogCapture;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Records written by earlier releases (kept under {@code test/resources/records/}) load into the
 * agent's runs: a sweep in a job array, split stages, a failed attempt kept in history, a run that
 * stopped trials early, and the shapes written before array throttles, before stages and before
 * sweeps. Each migrates to the current schema, whose form is pinned by the files under {@code
 * records/schema-2/}, and a record of that schema is written back byte for byte.
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

  /** The records of earlier releases, each kept as it was written. */
  private static final List<String> EARLIER =
      List.of(
          "sweep-array.json",
          "stages-train-evaluate.json",
          "failed-attempt-in-history.json",
          "early-stop-asha.json",
          "before-array-slots.json",
          "before-stages.json",
          "before-sweeps.json");

  /**
   * Where an older form migrates to what this release writes for another sample's run: a record
   * written before stages is the one written before array throttles, and one written before sweeps
   * is the failed run's of today. Every other sample has its own schema-2 form.
   */
  private static final Map<String, String> CURRENT =
      Map.of(
          "before-stages.json", "before-array-slots.json",
          "before-sweeps.json", "failed-attempt-in-history.json");

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
    assertEquals("all", job.stage());
    assertFalse(job.evaluateSubmitting());
    assertNull(job.evaluateId());
    assertEquals("crop_classification-t0", job.id());
    assertEquals(JobState.RUNNING, job.state());
  }

  @Test
  void recordsWrittenBeforeSweepsNameTheJobByItsTask() throws Exception {
    Run run = load("before-sweeps.json");
    assertNull(run.verified());
    JobRun job = run.jobs().get(0);
    assertEquals("landslide", job.trial());
    assertEquals("landslide", job.id());
    assertEquals("all", job.stage());
    assertEquals(job, run.job("landslide"));
    assertTrue(job.values().isEmpty());
    assertTrue(job.resources().isEmpty());
    assertEquals(JobState.FAILED, job.state());
  }

  @Test
  void aRunThatStoppedTrialsEarlyKeepsItsRulesDecisionsAndTheEpochsEachTrialRan() throws Exception {
    Run run = load("early-stop-asha.json");
    EarlyStopRecord early = run.earlyStop();
    assertNotNull(early);
    assertEquals(1, early.minEpochs());
    assertEquals(3, early.reduction());
    assertEquals("landslide", early.rules().get(0).task());
    assertFalse(early.decisions().isEmpty());
    assertEquals(early.decisions(), run.rungDecisions());
    assertTrue(early.stopped() >= 1, early.toString());
    List<JobRun> stopped = run.jobs().stream().filter(j -> j.state() == JobState.STOPPED).toList();
    assertEquals(early.stopped(), stopped.size());
    assertTrue(stopped.get(0).isDone());
    assertNotNull(stopped.get(0).epochsRun());
  }

  @Test
  void everyRecordOfAnEarlierReleaseMigratesToWhatThisOneWritesForTheSameRun() throws Exception {
    for (String sample : EARLIER) {
      Path state = tmp.resolve(sample + "-state");
      Path runs = Files.createDirectories(state.resolve("runs"));
      Files.write(runs.resolve(sample), bytes("/records/" + sample));
      RunRepository repository = new RunRepository(state);
      Run run = repository.loadAll().get(0);
      repository.save(run);
      byte[] written = Files.readAllBytes(runs.resolve(run.key() + ".json"));
      String expected = CURRENT.getOrDefault(sample, sample);
      assertEquals(
          new String(bytes("/records/schema-2/" + expected), StandardCharsets.UTF_8),
          new String(written, StandardCharsets.UTF_8),
          sample + " migrated and written, against schema-2/" + expected);
    }
  }

  @Test
  void aRecordOfTheCurrentSchemaIsWrittenBackByteForByte() throws Exception {
    List<String> current =
        EARLIER.stream().map(n -> CURRENT.getOrDefault(n, n)).distinct().sorted().toList();
    for (String sample : current) {
      byte[] before = bytes("/records/schema-2/" + sample);
      assertEquals(2, Json.MAPPER.readTree(before).get("schema").asInt(), sample);
      Path state = tmp.resolve(sample + "-current");
      Path runs = Files.createDirectories(state.resolve("runs"));
      Files.write(runs.resolve(sample), before);
      RunRepository repository = new RunRepository(state);
      Run run = repository.loadAll().get(0);
      repository.save(run);
      byte[] after = Files.readAllBytes(runs.resolve(run.key() + ".json"));
      assertArrayEquals(before, after, sample);
    }
  }

  @Test
  void aRecordOfAFutureSchemaIsRefusedInOneLineAndTheOthersStillLoad() throws Exception {
    Path runs = tmp.resolve("runs");
    Files.createDirectories(runs);
    String text = new String(bytes("/records/schema-2/sweep-array.json"), StandardCharsets.UTF_8);
    assertTrue(text.contains("\"schema\" : 2"), text);
    Files.writeString(
        runs.resolve("future.json"), text.replace("\"schema\" : 2", "\"schema\" : 3"));
    Files.writeString(runs.resolve("current.json"), text);
    try (LogCapture log = new LogCapture()) {
      List<Run> loaded = new RunRepository(tmp).loadAll();
      assertEquals(1, loaded.size());
      assertTrue(
          log.lines().stream().anyMatch(m -> m.contains("future.json") && m.contains("schema 3")),
          log.lines().toString());
    }
  }

  private byte[] bytes(String resource) throws IOException {
    try (InputStream in = getClass().getResourceAsStream(resource)) {
      assertNotNull(in, resource + " is missing");
      return in.readAllBytes();
    }
  }
}
