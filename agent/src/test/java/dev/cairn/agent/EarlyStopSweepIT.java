package dev.cairn.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.model.EarlyStopRecord;
import dev.cairn.render.TemplateSet;
import dev.cairn.scheduler.ExecCommandRunner;
import dev.cairn.testing.Fixtures;
import dev.cairn.testing.LoopHarness;
import dev.cairn.testing.LsfEmulatorRunner;
import dev.cairn.testing.SlurmCluster;
import dev.cairn.testing.UsesSlurm;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Early stopping on the real single-node SLURM and on the LSF emulator over it, with the demo
 * trainer: a 9-trial sweep of one task (three learning rates, 1e-3 clearly behind, x three seeds)
 * with {@code EARLY_STOP=asha} (rungs at epochs 1 and 3 of 9, eta 3) ends with the same winning
 * learning rate as the same sweep run in full, prints the share of the full grid's epochs it
 * trained (a third to two fifths on an idle machine, more when load delays the cancels), and stops
 * array elements alone while their siblings go on to complete.
 *
 * <p>The demo trainer spends 1.5 s on each epoch here, so the agent sees the trials mid-training.
 * The full sweep, the reference, runs once on the local scheduler at full speed: the demo trainer
 * is deterministic for a given trial, whichever scheduler runs it.
 */
@UsesSlurm
class EarlyStopSweepIT {
  private static final String SWEEP =
      "TRAINER=demo\nTASKS=landslide\nLEARNING_RATE=5e-2,5e-3,1e-3\nSEED=1,2,3\nEPOCHS=9\n"
          + "GPUS_PER_JOB=0\nCPUS_PER_JOB=1\nMEMORY_PER_JOB=500M\nTIME_LIMIT=10\nNUM_WORKERS=1\n"
          + "LANDSLIDE_QUALITY_GATE=test/mIoU>=0\n";

  @TempDir static Path shared;
  @TempDir Path tmp;

  /** The full sweep's winning learning rate and every trial's test/mIoU. */
  private static Map<String, Double> fullSweep;

  @BeforeAll
  static void fullSweepAndCluster() throws Exception {
    SlurmCluster.ensure();
    try (LoopHarness full = new LoopHarness(shared.resolve("full"), Map.of())) {
      String commit =
          full.submit("EXPERIMENT_NAME=asha-full\nSCHEDULER=local\nEARLY_STOP=off\n" + SWEEP);
      full.runUntilIdle(Duration.ofMinutes(6));
      JsonNode status = full.status(commit);
      assertEquals("SUCCEEDED", status.get("state").asText(), status.toString());
      fullSweep = testMetric(status);
      assertEquals(9, fullSweep.size(), fullSweep.toString());
    }
  }

  @Test
  void slurm_stopsTheLosersAlone_andTheSameLearningRateWins() throws Exception {
    TemplateSet slow = TemplateSet.fromDirectory(Fixtures.slowDemoTemplates(tmp.resolve("t"), 1.5));
    try (LoopHarness loop = new LoopHarness(tmp, Map.of(), new ExecCommandRunner(), slow)) {
      sweepsWithEarlyStopping(loop, "slurm", "\\d+_\\d+");
    }
  }

  @Test
  void lsfEmulator_stopsTheLosersAlone_andTheSameLearningRateWins() throws Exception {
    TemplateSet slow = TemplateSet.fromDirectory(Fixtures.slowDemoTemplates(tmp.resolve("t"), 1.5));
    LsfEmulatorRunner runner =
        new LsfEmulatorRunner(Map.of("LSF_EMULATOR_STATE", tmp.resolve("lsf-state").toString()));
    Path emulator = Fixtures.projectDir().resolve("agent/src/test/lsf-emulator/bin");
    try (LoopHarness loop =
        new LoopHarness(
            tmp, Map.of("CAIRN_SCHEDULER_BIN_DIR", emulator.toString()), runner, slow)) {
      sweepsWithEarlyStopping(loop, "lsf", "\\d+\\[\\d+\\]");
    }
  }

  private void sweepsWithEarlyStopping(LoopHarness loop, String scheduler, String elementId)
      throws Exception {
    String commit =
        loop.submit(
            "EXPERIMENT_NAME=asha-"
                + scheduler
                + "\nSCHEDULER="
                + scheduler
                + "\nEARLY_STOP=asha\n"
                + SWEEP);
    loop.runUntilIdle(Duration.ofMinutes(8));
    JsonNode status = loop.status(commit);
    assertEquals("SUCCEEDED", status.get("state").asText(), status.toString());
    Run run = loop.agent.runs().values().iterator().next();
    EarlyStopRecord early = Objects.requireNonNull(run.earlyStop(), "no early-stopping record");

    List<JsonNode> stopped = new ArrayList<>();
    List<JsonNode> completed = new ArrayList<>();
    for (JsonNode job : status.get("jobs")) {
      assertTrue(
          job.get("scheduler_id").asText().matches(elementId),
          "every trial ran as an array element: " + job);
      switch (job.get("state").asText()) {
        case "STOPPED" -> stopped.add(job);
        case "COMPLETED" -> completed.add(job);
        default -> throw new AssertionError("neither stopped nor completed: " + job);
      }
    }
    // the stopped elements were cancelled alone; their siblings in the same array went on
    for (JsonNode job : stopped) {
      String id = job.get("scheduler_id").asText();
      assertTrue(
          job.get("reason").asText().endsWith("; cancelled " + id),
          "only its own element was cancelled: " + job.get("reason"));
      String array = id.replaceAll("[_\\[].*", "");
      assertTrue(
          completed.stream()
              .anyMatch(
                  c -> c.get("scheduler_id").asText().replaceAll("[_\\[].*", "").equals(array)),
          "a sibling of " + id + " completed");
    }
    assertTrue(stopped.size() >= 4, "the 1e-3 trials and more were stopped: " + describe(early));
    assertEquals(stopped.size(), early.stopped());
    early.decisions().stream()
        .collect(Collectors.groupingBy(d -> d.trialId() + "@" + d.rung(), Collectors.counting()))
        .forEach((k, n) -> assertEquals(1, n, k + " was decided " + n + " times"));

    // the same winner, on at most half the epochs
    Map<String, Double> finished = testMetric(status);
    assertEquals(
        winner(fullSweep), winner(finished), "full: " + fullSweep + ", early: " + finished);
    assertEquals(81, early.epochsPlanned());
    // how far a trial trains between its rung and its cancel depends on the machine's load, so
    // the share (a third to two fifths on an idle machine) is printed, not asserted; what holds
    // under any load is that every stopped trial was stopped by a decision on record
    for (JsonNode job : stopped) {
      String trial = job.get("trial").asText();
      assertTrue(
          early.decisions().stream().anyMatch(d -> d.trialId().equals(trial) && d.stops()),
          "stopped without a decision on record: " + job);
    }
    System.out.printf(
        Locale.ROOT,
        "early stopping on %s: %s; winner %s as in the full sweep%n",
        scheduler,
        describe(early),
        winner(finished));
  }

  private static String describe(EarlyStopRecord early) {
    return String.format(
        Locale.ROOT,
        "%d of %d epochs trained (%.0f %%), %d of 9 trials stopped, decisions %s",
        early.epochsRun(),
        early.epochsPlanned(),
        100 * early.epochShare(),
        early.stopped(),
        early.decisions().stream()
            .map(
                d ->
                    d.trialId().replaceAll("landslide-prithvi_eo_v2_300-|-b8-e9", "")
                        + "@"
                        + d.rung()
                        + (d.stops() ? " STOP" : ""))
            .toList());
  }

  /** The test/mIoU of every trial that ran to its end, by trial id. */
  private static Map<String, Double> testMetric(JsonNode status) {
    Map<String, Double> values = new TreeMap<>();
    for (JsonNode job : status.get("jobs")) {
      if (job.get("state").asText().equals("COMPLETED")) {
        values.put(job.get("trial").asText(), job.get("metrics").get("test/mIoU").asDouble());
      }
    }
    return values;
  }

  /**
   * The learning rate with the best mean test/mIoU over its seeds that ran to the end: what a
   * researcher reads off a sweep of learning rates.
   */
  private static String winner(Map<String, Double> byTrial) {
    Map<String, List<Double>> byRate = new TreeMap<>();
    byTrial.forEach(
        (trial, v) ->
            byRate
                .computeIfAbsent(
                    trial.replaceAll(".*-lr(.+?)-s\\d+-.*", "$1"), k -> new ArrayList<>())
                .add(v));
    return byRate.entrySet().stream()
        .max(
            Comparator.comparingDouble(
                e -> e.getValue().stream().mapToDouble(Double::doubleValue).average().orElse(0)))
        .orElseThrow()
        .getKey();
  }
}
