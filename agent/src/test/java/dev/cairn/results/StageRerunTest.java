package dev.cairn.results;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.CairnException;
import dev.cairn.Json;
import dev.cairn.config.ExperimentConfig;
import dev.cairn.dvc.DvcConfig;
import dev.cairn.dvc.DvcWriter;
import dev.cairn.plan.JobSpec;
import dev.cairn.scheduler.CommandRunner;
import dev.cairn.store.FileObjectStore;
import dev.cairn.testing.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code rerun-stage} without the command line: a results commit whose checkpoints were published
 * to a folder remote, its evaluate jobs run by a runner that stands in for bash.
 */
class StageRerunTest {
  private static final String RUN_ID = "rerun-0123456-20260101T000000Z-1";
  private static final String CONFIG =
      "EXPERIMENT_NAME=rerun\nTRAINER=demo\nSCHEDULER=local\nTASKS=landslide,biomass\n"
          + "STAGES=train,evaluate\nPUBLISH_CHECKPOINTS=true\n";

  @TempDir Path tmp;

  /** The commands the stand-in runner was asked to run. */
  private final List<CommandRunner.Call> calls = new ArrayList<>();

  /**
   * A results commit of {@link #CONFIG}: run.json with {@code published} as landslide's and
   * biomass's metrics, and, with {@code checkpoints}, the run's checkpoints on a folder remote.
   */
  private ResultsCommit resultsCommit(boolean checkpoints, Map<String, Double> published)
      throws Exception {
    Path repo = tmp.resolve("clone");
    Path results = repo.resolve("results").resolve(RUN_ID);
    Files.createDirectories(results);
    Map<String, Object> jobs = new LinkedHashMap<>();
    for (String trial : List.of("landslide", "biomass")) {
      jobs.put(trial, Map.of("metrics", published));
    }
    Map<String, Object> run = new LinkedHashMap<>();
    run.put("run_id", RUN_ID);
    run.put("config_commit", "0123456789012345678901234567890123456789");
    run.put("branch", "main");
    run.put("jobs", jobs);
    Files.write(results.resolve("run.json"), Json.MAPPER.writeValueAsBytes(run));
    Files.writeString(results.resolve("config.env"), CONFIG);
    if (checkpoints) {
      Path trained = tmp.resolve("trained/checkpoints");
      for (String trial : List.of("landslide", "biomass")) {
        Files.createDirectories(trained.resolve(trial));
        Files.writeString(trained.resolve(trial + "/best.ckpt"), "weights of " + trial + "\n");
      }
      Path store = tmp.resolve("store");
      new DvcWriter(new FileObjectStore(store), "dvc", 2).add(trained, results, "checkpoints");
      Files.createDirectories(repo.resolve(".dvc"));
      Files.writeString(
          repo.resolve(".dvc/config"),
          DvcConfig.render("storage", DvcConfig.fileUrl(store, "dvc"), null));
    }
    try (Git git = Git.init().setDirectory(repo.toFile()).setInitialBranch("main").call()) {
      git.add().addFilepattern(".").call();
      git.commit()
          .setMessage("Results of " + RUN_ID + ": SUCCEEDED")
          .setAuthor("t", "t@example.com")
          .setCommitter("t", "t@example.com")
          .setSign(false)
          .call();
    }
    return ResultsCommit.read(repo, "HEAD");
  }

  private StageRerun.Request request(ResultsCommit recorded, List<String> trials) {
    return new StageRerun.Request(
        recorded,
        Fixtures.templates(),
        trials,
        tmp.resolve("work"),
        tmp.resolve("demo-trainer.jar"),
        "",
        "");
  }

  /** A runner that writes {@code metrics} as every evaluate job's metrics.json and exits 0. */
  private StageRerun rerun(ResultsCommit recorded, Map<String, Double> metrics) {
    ExperimentConfig cfg =
        ExperimentConfig.parse(recorded.config(), "config.env", Fixtures.tasks());
    List<JobSpec> jobs = StageRerun.evaluateJobs(recorded, cfg, tmp.resolve("work"), List.of());
    return new StageRerun(
        call -> {
          calls.add(call);
          JobSpec job =
              jobs.stream()
                  .filter(j -> call.command().contains(j.script().toString()))
                  .findFirst()
                  .orElseThrow();
          assertTrue(
              Files.isRegularFile(job.checkpointDir().resolve("best.ckpt")),
              "the checkpoint is pulled before the job runs: " + job.checkpointDir());
          Files.write(
              job.outputDir().resolve("metrics.json"), Json.MAPPER.writeValueAsBytes(metrics));
          return new CommandRunner.Result(call.command(), 0, "", "");
        },
        Map.of("PATH", "/usr/bin"));
  }

  @Test
  void run_pullsTheCheckpointsAndEvaluatesEveryTrial_sameMetricsAreCounted() throws Exception {
    Map<String, Double> metrics = Map.of("test/RMSE", 12.5);
    ResultsCommit recorded = resultsCommit(true, metrics);
    List<String> said = new ArrayList<>();

    boolean ok = rerun(recorded, metrics).run(request(recorded, List.of()), said::add);

    assertTrue(ok, said.toString());
    assertEquals(2, calls.size());
    assertEquals(Map.of("PATH", "/usr/bin"), calls.get(0).environment());
    assertTrue(calls.get(0).cleanEnvironment());
    assertEquals(
        "checkpoints: 2 file(s) pulled into " + tmp.resolve("work/checkpoints"), said.get(0));
    assertTrue(said.get(1).startsWith("landslide: evaluating from "), said.get(1));
    assertEquals(
        List.of(
            "landslide: 1 of 1 test metric(s) identical to the published run",
            "biomass: 1 of 1 test metric(s) identical to the published run"),
        said.stream().filter(l -> l.contains("identical")).toList());
  }

  @Test
  void run_onlyTheTrialsAskedFor() throws Exception {
    Map<String, Double> metrics = Map.of("test/RMSE", 12.5);
    ResultsCommit recorded = resultsCommit(true, metrics);

    assertTrue(rerun(recorded, metrics).run(request(recorded, List.of("biomass")), l -> {}));

    assertEquals(1, calls.size());
    assertTrue(calls.get(0).command().toString().contains("biomass"), calls.toString());
  }

  @Test
  void run_failedEvaluate_isReportedAndTheOthersStillRun() throws Exception {
    ResultsCommit recorded = resultsCommit(true, Map.of());
    List<String> said = new ArrayList<>();
    StageRerun failing =
        new StageRerun(
            call -> {
              calls.add(call);
              return new CommandRunner.Result(call.command(), 3, "", "");
            },
            Map.of());

    assertFalse(failing.run(request(recorded, List.of()), said::add));

    assertEquals(2, calls.size());
    assertTrue(
        said.stream().anyMatch(l -> l.startsWith("landslide: evaluate failed (exit 3); its err")),
        said.toString());
  }

  @Test
  void run_withoutPublishedCheckpoints_namesTheFix() throws Exception {
    ResultsCommit recorded = resultsCommit(false, Map.of());

    CairnException e =
        assertThrows(
            CairnException.class,
            () -> rerun(recorded, Map.of()).run(request(recorded, List.of()), l -> {}));

    assertTrue(e.getMessage().contains("published no checkpoints"), e.getMessage());
    assertTrue(calls.isEmpty());
  }

  @Test
  void run_ofAnUnknownTrial_listsTheRunsTrials() throws Exception {
    ResultsCommit recorded = resultsCommit(true, Map.of());

    CairnException e =
        assertThrows(
            CairnException.class,
            () -> rerun(recorded, Map.of()).run(request(recorded, List.of("crop")), l -> {}));

    assertEquals(
        "run " + RUN_ID + " has no trial crop; its trials are landslide, biomass", e.getMessage());
  }

  @Test
  void compare_namesEachMetricThatDiffersOrWasNotPublished() throws Exception {
    Map<String, Double> now = new LinkedHashMap<>();
    now.put("test/mIoU", 0.5);
    now.put("test/loss", 0.25);
    now.put("test/acc", 0.75);

    List<String> lines =
        StageRerun.compare(
            "t1", Json.MAPPER.readTree("{\"test/mIoU\":0.5,\"test/loss\":0.3}"), now);

    assertEquals(
        List.of(
            "t1: test/loss = 0.25 (published: 0.3)",
            "t1: test/acc = 0.75 (published: none)",
            "t1: 1 of 3 test metric(s) identical to the published run"),
        lines);
  }
}
