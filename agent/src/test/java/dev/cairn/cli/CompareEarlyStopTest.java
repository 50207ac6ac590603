package dev.cairn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.Json;
import dev.cairn.report.RunRecords;
import dev.cairn.report.RunReport;
import dev.cairn.report.TrialResult;
import dev.cairn.testing.EarlyStopSweep;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.PersonIdent;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code compare} of a run with early stopping ({@link EarlyStopSweep}: nine learning rates, eight
 * stopped) against the same sweep trained to the end: the stopped trials and the share spent are
 * shown, and a stopped trial is neither a loss nor a repetition of its configuration.
 */
class CompareEarlyStopTest {
  private static final String FULL = "20261206-full-f1f1f1f1";
  private static final String ASHA = "20261207-asha-e5e5e5e5";

  @TempDir Path tmp;
  private Path repo;

  /** The sweep without early stopping: every trial completed, trial i at 0.50 + 0.01 i. */
  private static RunReport full() {
    List<TrialResult> trials = new ArrayList<>();
    int i = 1;
    for (TrialResult t : EarlyStopSweep.trials(1, 4)) {
      trials.add(
          TrialResult.builder(t.trialId(), t.task(), "COMPLETED")
              .params(t.params())
              .metrics(Map.of("test/mIoU", 0.50 + 0.01 * i++))
              .gate(t.gate())
              .gateMetric(t.gateMetric())
              .higherIsBetter(true)
              .passed(true)
              .elapsedS(EarlyStopSweep.EPOCHS * EarlyStopSweep.SECONDS_PER_EPOCH)
              .gpus(1)
              .cpus(4)
              .maxRssMb(2048L)
              .build());
    }
    return new RunReport(
        FULL,
        "f1f1f1f1" + "0".repeat(32),
        null,
        "main",
        "SUCCEEDED",
        "9 of 9 trial(s) completed and met their quality gates",
        "full grid",
        "2026-12-06T11:00:00Z",
        null,
        trials);
  }

  private static void commit(Git git, RunReport run, int minute) throws Exception {
    Map<String, Object> jobs = new LinkedHashMap<>();
    for (TrialResult t : run.trials()) {
      Map<String, Object> job = new LinkedHashMap<>();
      job.put("state", t.state());
      job.put("metrics", t.metrics());
      job.putAll(RunRecords.jobFields(t));
      jobs.put(t.trialId(), job);
    }
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("run_id", run.runId());
    root.put("state", run.state());
    root.put("config_commit", run.configCommit());
    root.put("branch", "main");
    root.put("finished_at", run.finishedAt());
    root.put("subject", run.subject());
    root.put("jobs", jobs);
    if (run.earlyStop() != null) {
      root.put("early_stop", RunRecords.earlyStopFields(run, run.earlyStop()));
    }
    Path dir =
        Files.createDirectories(
            git.getRepository().getWorkTree().toPath().resolve("results/" + run.runId()));
    Files.write(dir.resolve("run.json"), Json.MAPPER.writeValueAsBytes(root));
    git.add().addFilepattern(".").call();
    PersonIdent who =
        new PersonIdent(
            "a",
            "a@example.org",
            Instant.parse("2026-12-07T16:00:00Z").plusSeconds(minute),
            ZoneOffset.UTC);
    git.commit().setMessage("Results of " + run.runId()).setAuthor(who).setCommitter(who).call();
  }

  @BeforeEach
  void twoRuns() throws Exception {
    repo = tmp.resolve("repo");
    try (Git git = Git.init().setDirectory(repo.toFile()).setInitialBranch("main").call()) {
      commit(git, full(), 1);
      commit(git, EarlyStopSweep.report(ASHA), 2);
    }
  }

  @Test
  void compare_showsTrialsStoppedAndTheShareSpent_andNoStoppedTrialLoses() {
    CliRun r = CliRun.of("compare", "f1f1f1f1", "e5e5e5e5", "--md", "--repo", repo.toString());
    assertEquals(0, r.code(), r.err());
    String md = r.out();
    assertTrue(
        md.contains(
            "| run | trials stopped | epochs trained | hours spent of the full grid's |\n"
                + "| --- | --- | --- | --- |\n"
                + "| "
                + ASHA
                + " | 8 of 9 | 29 of 81 (35.8 %) | 0.4833 of 1.3500 GPU-hours (35.8 %) |"),
        md);
    assertFalse(md.contains("| " + FULL + " | 0 of 9"), "a run without early stopping has no row");
    // the stopped configurations: no summary, no verdict, never "worse"
    assertTrue(
        md.contains(
            "| crop_classification | LEARNING_RATE=1e-4 | 0.5100 (n=1) | stopped early | - | - |"),
        md);
    assertTrue(
        md.contains("| crop_classification | LEARNING_RATE=9e-4 | 0.5900 (n=1) | 0.6200 (n=1) |"),
        md);
    assertFalse(md.contains("worse"), md);
    assertFalse(md.contains("no result"), md);
    assertTrue(
        md.contains(
            "| crop_classification | test/mIoU | 0.5900 | 0.6200 | +0.0300 (+5.1 %) | better |"),
        md);
  }

  @Test
  void compare_json_marksStoppedTrials_ranksThemLast_andCountsThemInNoSummary() throws Exception {
    CliRun r = CliRun.of("compare", "f1f1f1f1", "e5e5e5e5", "--json", "--repo", repo.toString());
    assertEquals(0, r.code(), r.err());
    JsonNode json = Json.MAPPER.readTree(r.out());
    JsonNode early = json.path("runs").get(1).path("early_stop");
    assertEquals(8, early.path("trials_stopped").asInt(), early.toString());
    assertEquals(29.0 / 81, early.path("epoch_share").asDouble(), 1e-9);
    assertTrue(json.path("runs").get(0).path("early_stop").isMissingNode());
    boolean seenStopped = false;
    int stopped = 0;
    for (JsonNode row : json.path("leaderboard").path(EarlyStopSweep.TASK)) {
      if (row.path("stopped").asBoolean()) {
        seenStopped = true;
        stopped++;
      } else {
        assertFalse(seenStopped, "a finished trial after a stopped one: " + row);
      }
    }
    assertEquals(8, stopped);
    for (JsonNode change : json.path("changes")) {
      assertFalse("worse".equals(change.path("verdict").asText()), change.toString());
      if (change.path("current_stopped").asBoolean()) {
        assertTrue(change.path("current").isMissingNode(), change.toString());
        assertEquals("-", change.path("verdict").asText(), change.toString());
      }
    }
    int summarised = 0;
    for (JsonNode row : json.path("matrix")) {
      JsonNode cell = row.path("tasks").path(EarlyStopSweep.TASK);
      if (!cell.isMissingNode() && !cell.isNull()) {
        summarised++;
        assertEquals(1, cell.path("n").asInt(), "one finished trial per configuration: " + cell);
      }
    }
    assertEquals(9 + 1, summarised, "the full grid's nine, and the one that ran to the end");
  }
}
