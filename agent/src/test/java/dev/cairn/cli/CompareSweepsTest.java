package dev.cairn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.Json;
import dev.cairn.report.RunRecords;
import dev.cairn.report.TrialResult;
import dev.cairn.testing.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code compare} of two sweeps (2 backbones x 2 learning rates x 2 seeds of one task each): the
 * output is held in a golden file, {@code compare/two-sweeps.txt} under the test resources; run
 * with {@code -Dcairn.updateGolden=true} to rewrite it after a deliberate change, then review the
 * diff. Also a first run compared alone, a failed run, {@code --baseline}, and a detached checkout.
 */
class CompareSweepsTest {
  static final Path GOLDEN =
      Fixtures.projectDir().resolve("agent/src/test/resources/compare/two-sweeps.txt");

  @TempDir Path tmp;
  private Path repo;
  private RevCommit first;

  private static TrialResult trial(String model, String lr, String seed, double miou) {
    Map<String, String> params = new LinkedHashMap<>();
    params.put("GEOFM", model);
    params.put("LEARNING_RATE", lr);
    params.put("SEED", seed);
    params.put("EPOCHS", "5");
    boolean big = model.endsWith("600");
    return TrialResult.builder(
            "crop_classification-" + model + "-lr" + lr + "-s" + seed + "-e5",
            "crop_classification",
            "COMPLETED")
        .params(params)
        .metrics(Map.of("test/mIoU", miou))
        .gate("test/mIoU>=0.3")
        .gateMetric("test/mIoU")
        .higherIsBetter(true)
        .passed(true)
        .elapsedS(big ? 200L : 100L)
        .gpus(0)
        .cpus(4)
        .maxRssMb(big ? 2048L : 1024L)
        .build();
  }

  /**
   * A sweep whose learning rates are {@code lrs}; the 600M backbone scores 0.1 more, the second
   * learning rate 0.03 more, the second seed 0.004 more.
   */
  private static RevCommit results(
      Git git, String runId, String state, List<String> lrs, double base, int minute)
      throws Exception {
    Map<String, Object> jobs = new LinkedHashMap<>();
    int k = 0;
    for (String model : List.of("prithvi_eo_v2_300", "prithvi_eo_v2_600")) {
      for (String lr : lrs) {
        for (String seed : List.of("1", "2")) {
          double v =
              base + (model.endsWith("600") ? 0.1 : 0) + lrs.indexOf(lr) * 0.03 + (k++ % 2) * 0.004;
          TrialResult t = trial(model, lr, seed, v);
          Map<String, Object> job = new LinkedHashMap<>();
          job.put("state", "COMPLETED");
          job.put("metrics", t.metrics());
          job.putAll(RunRecords.jobFields(t));
          jobs.put(t.trialId(), job);
        }
      }
    }
    Map<String, Object> run = new LinkedHashMap<>();
    run.put("run_id", runId);
    run.put("state", state);
    run.put("config_commit", runId.substring(runId.length() - 8) + "0".repeat(32));
    run.put("branch", "main");
    run.put("finished_at", String.format("2026-12-01T15:%02d:07.057243948Z", minute));
    run.put("subject", "lr " + String.join(",", lrs));
    run.put("jobs", jobs);
    Path dir =
        Files.createDirectories(
            git.getRepository().getWorkTree().toPath().resolve("results/" + runId));
    Files.write(dir.resolve("run.json"), Json.MAPPER.writeValueAsBytes(run));
    git.add().addFilepattern(".").call();
    PersonIdent who =
        new PersonIdent(
            "a",
            "a@example.org",
            Instant.parse("2026-12-01T16:00:00Z").plusSeconds(minute),
            ZoneOffset.UTC);
    return git.commit()
        .setMessage("Results of " + runId + ": lr " + String.join(",", lrs))
        .setAuthor(who)
        .setCommitter(who)
        .call();
  }

  @BeforeEach
  void twoSweeps() throws Exception {
    repo = tmp.resolve("repo");
    try (Git git = Git.init().setDirectory(repo.toFile()).setInitialBranch("main").call()) {
      first =
          results(git, "20261201-demo-799f533c", "SUCCEEDED", List.of("1e-4", "3e-4"), 0.80, 10);
      results(git, "20261201-demo-1d285098", "SUCCEEDED", List.of("1e-3", "3e-3"), 0.70, 20);
      results(git, "20261201-demo-5e5e5e5e", "FAILED", List.of("1e-3", "3e-3"), 0.75, 30);
    }
  }

  @Test
  void compare_twoSweeps_matchesTheGoldenFile() throws Exception {
    CliRun r = CliRun.of("compare", "799f533c", "1d285098", "--repo", repo.toString());
    assertEquals(0, r.code(), r.err());
    if (Boolean.getBoolean("cairn.updateGolden")) {
      Files.createDirectories(GOLDEN.getParent());
      Files.writeString(GOLDEN, r.out());
    }
    assertTrue(Files.exists(GOLDEN), "missing golden file " + GOLDEN);
    assertEquals(Files.readString(GOLDEN), r.out());
    assertTrue(r.out().contains("LEARNING_RATE  1e-4,3e-4  1e-3,3e-3"), r.out());
    assertTrue(r.out().contains("LEARNING_RATE=1e-4 -> 1e-3"), r.out());
  }

  @Test
  void compare_json_holdsTheMatrixAndThePairs() throws Exception {
    CliRun r = CliRun.of("compare", "799f533c", "1d285098", "--json", "--repo", repo.toString());
    assertEquals(0, r.code(), r.err());
    var json = dev.cairn.Json.MAPPER.readTree(r.out());
    assertEquals(8, json.path("matrix").size(), "two runs x two backbones x two learning rates");
    var cell = json.path("matrix").get(3).path("tasks").path("crop_classification");
    assertEquals(2, cell.path("n").asInt());
    assertTrue(cell.path("wins").asBoolean(), cell.toString());
    boolean worse = false;
    for (var change : json.path("changes")) {
      worse |= "worse".equals(change.path("verdict").asText());
    }
    assertTrue(worse, json.path("changes").toString());
  }

  @Test
  void compare_aFirstRunAlone_showsItsMatrixAndExits0() {
    CliRun r = CliRun.of("compare", "799f533c", "--repo", repo.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(
        r.out().contains("20261201-demo-799f533c has no earlier run to compare with"), r.out());
    assertTrue(r.out().contains("Model x task"), r.out());
    assertTrue(r.out().contains("wins over"), r.out());
  }

  @Test
  void compare_aFailedRun_againstItsBaseline_orTheOneNamed() {
    CliRun failed = CliRun.of("compare", "5e5e5e5e", "--repo", repo.toString());
    assertEquals(0, failed.code(), failed.err());
    assertTrue(
        failed.out().contains("20261201-demo-5e5e5e5e against 20261201-demo-1d285098"),
        failed.out());
    CliRun named =
        CliRun.of("compare", "5e5e5e5e", "--baseline", "799f533c", "--repo", repo.toString());
    assertEquals(0, named.code(), named.err());
    assertTrue(
        named.out().contains("20261201-demo-5e5e5e5e against 20261201-demo-799f533c"), named.out());
    CliRun self =
        CliRun.of("compare", "5e5e5e5e", "--baseline", "5e5e5e5e", "--repo", repo.toString());
    assertEquals(2, self.code());
  }

  @Test
  void runs_inADetachedCheckout_readTheBranchFromTheResults() throws Exception {
    try (Git git = Git.open(repo.toFile())) {
      git.checkout().setName(first.getName()).call();
    }
    CliRun r = CliRun.of("runs", "--repo", repo.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().startsWith("3 run(s) on main\n"), r.out());
    assertTrue(r.out().contains("2026-12-01T15:10:07Z "), "no nanoseconds: " + r.out());
    CliRun c = CliRun.of("compare", "1d285098", "--repo", repo.toString());
    assertEquals(0, c.code(), c.err());
  }
}
