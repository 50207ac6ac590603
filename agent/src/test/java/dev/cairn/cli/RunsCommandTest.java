package dev.cairn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.Json;
import dev.cairn.report.EpochRow;
import dev.cairn.report.RunRecords;
import dev.cairn.report.TrialResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code runs} and {@code compare} on a repository holding two results commits. */
class RunsCommandTest {
  @TempDir Path tmp;
  private RevCommit second;

  private static RevCommit results(
      Git git, String runId, String config, String lr, double miou, String finished)
      throws Exception {
    TrialResult t =
        TrialResult.builder("crop_classification", "crop_classification", "COMPLETED")
            .params(Map.of("LEARNING_RATE", lr, "SEED", "42"))
            .metrics(Map.of("test/mIoU", miou))
            .gate("test/mIoU>=0.3")
            .gateMetric("test/mIoU")
            .higherIsBetter(true)
            .passed(true)
            .elapsedS(60L)
            .cpuSeconds(50L)
            .gpus(0)
            .cpus(1)
            .maxRssMb(90L)
            .curve(List.of(new EpochRow(1, Map.of("val/mIoU", miou))))
            .build();
    Map<String, Object> job =
        new LinkedHashMap<>(Map.of("state", "COMPLETED", "attempts", 1, "metrics", t.metrics()));
    job.putAll(RunRecords.jobFields(t));
    Map<String, Object> run = new LinkedHashMap<>();
    run.put("run_id", runId);
    run.put("state", "SUCCEEDED");
    run.put("config_commit", config);
    run.put("branch", "main");
    run.put("finished_at", finished);
    run.put("subject", "lr " + lr);
    run.put("jobs", Map.of("crop_classification", job));
    Path dir =
        Files.createDirectories(
            git.getRepository().getWorkTree().toPath().resolve("results/" + runId));
    Files.write(dir.resolve("run.json"), Json.MAPPER.writeValueAsBytes(run));
    git.add().addFilepattern(".").call();
    return git.commit()
        .setMessage("Results of " + runId + ": lr " + lr)
        .setAuthor("a", "a@example.org")
        .setCommitter("a", "a@example.org")
        .call();
  }

  @BeforeEach
  void twoRuns() throws Exception {
    try (Git git =
        Git.init().setDirectory(tmp.resolve("repo").toFile()).setInitialBranch("main").call()) {
      results(
          git,
          "20261125-demo-aaaa1111",
          "aaaa1111" + "0".repeat(32),
          "5e-3",
          0.90,
          "2026-11-25T01:00:00Z");
      second =
          results(
              git,
              "20261125-demo-bbbb2222",
              "bbbb2222" + "0".repeat(32),
              "1e-2",
              0.95,
              "2026-11-25T02:00:00Z");
    }
  }

  @Test
  void runs_listsEveryRunWithItsHeadlineMetricAndCost() {
    CliRun r = CliRun.of("runs", "--repo", tmp.resolve("repo").toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().startsWith("2 run(s) on main\n"), r.out());
    assertTrue(r.out().contains("20261125-demo-aaaa1111  aaaa1111"), r.out());
    assertTrue(r.out().contains("test/mIoU 0.9500"), r.out());
    assertTrue(r.out().contains(second.getName().substring(0, 8)), r.out());
    CliRun md = CliRun.of("runs", "--repo", tmp.resolve("repo").toString(), "--md");
    assertTrue(
        md.out()
            .contains(
                "| run | config | results | state | finished | crop_classification | cost (h) |"),
        md.out());
  }

  @Test
  void runs_json_isOneObjectPerRun() throws Exception {
    CliRun r = CliRun.of("runs", "--repo", tmp.resolve("repo").toString(), "--json");
    JsonNode runs = Json.MAPPER.readTree(r.out());
    assertEquals(2, runs.size());
    assertEquals(
        0.95, runs.get(1).path("headline").path("crop_classification").path("value").asDouble());
    assertEquals(second.getName(), runs.get(1).path("results_commit").asText());
  }

  @Test
  void compare_namesRunsByIdOrCommitPrefix_andShowsTheDeltas() {
    CliRun r =
        CliRun.of(
            "compare",
            "aaaa1111",
            second.getName().substring(0, 10),
            "--repo",
            tmp.resolve("repo").toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("Comparing 2 run(s)"), r.out());
    assertTrue(r.out().contains("1     20261125-demo-bbbb2222  LEARNING_RATE=1e-2"), r.out());
    assertTrue(
        r.out()
            .contains(
                "test/mIoU  0.9000                  0.9500                  +0.0500 (+5.6 %)  better"),
        r.out());
    assertTrue(r.out().contains("LEARNING_RATE  5e-3      1e-2"), r.out());
    CliRun single =
        CliRun.of(
            "compare", "20261125-demo-bbbb2222", "--repo", tmp.resolve("repo").toString(), "--md");
    assertTrue(
        single.out().contains("## 20261125-demo-bbbb2222 against 20261125-demo-aaaa1111"),
        single.out());
  }

  @Test
  void compare_badNames_areOneLineErrorsWithExitCode2() {
    CliRun missing = CliRun.of("compare", "cccc", "--repo", tmp.resolve("repo").toString());
    assertEquals(2, missing.code());
    assertEquals(
        "cairn: 'cccc' is not a run on branch main of "
            + tmp.resolve("repo")
            + "; `agent.jar runs` lists them\n",
        missing.err());
    CliRun ambiguous =
        CliRun.of("compare", "20261125-demo", "--repo", tmp.resolve("repo").toString());
    assertEquals(2, ambiguous.code());
    assertTrue(ambiguous.err().startsWith("cairn: '20261125-demo' names 2 runs"), ambiguous.err());
    CliRun notRepo = CliRun.of("runs", "--repo", tmp.toString());
    assertEquals(2, notRepo.code());
    assertEquals(1, notRepo.err().lines().count(), notRepo.err());
    CliRun both = CliRun.of("runs", "--json", "--md", "--repo", tmp.resolve("repo").toString());
    assertEquals(2, both.code());
  }
}
