package dev.cairn.render;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.cairn.collect.JobOutputs;
import dev.cairn.config.ExperimentConfig;
import dev.cairn.config.QualityGate;
import dev.cairn.plan.JobSpec;
import dev.cairn.plan.RunPlan;
import dev.cairn.terratorch.ModelCatalogue;
import dev.cairn.testing.FakeDatasets;
import dev.cairn.testing.Fixtures;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The TerraTorch job scripts run end to end by bash, with the test stand-in for the {@code
 * terratorch} command ({@code agent/src/test/terratorch-standin}) on the PATH: checkpoints, stops,
 * metrics, gates and plots. Real TerraTorch is not run here.
 */
class TerratorchJobTest {
  static final Path STANDIN = Fixtures.projectDir().resolve("agent/src/test/terratorch-standin");
  @TempDir Path tmp;

  private ExperimentConfig config(String extra) throws IOException {
    StringBuilder text =
        new StringBuilder(
            "EXPERIMENT_NAME=tt\nTRAINER=terratorch\nSCHEDULER=local\nSEED=5\n"
                + (extra.contains("EPOCHS=") ? "" : "EPOCHS=3\n"));
    for (String task : List.of("crop_classification", "landslide", "biomass")) {
      Path data = tmp.resolve("data/" + task);
      if (!Files.exists(data)) {
        FakeDatasets.write(task, data, 1);
      }
      String key = task.equals("crop_classification") ? "CROP" : task.toUpperCase();
      text.append(key).append("_DATASET_PATH=").append(data).append('\n');
    }
    text.append(extra);
    return ExperimentConfig.parse(
        text.toString().getBytes(StandardCharsets.UTF_8), "config.env", Fixtures.tasks());
  }

  private static Path script(ExperimentConfig cfg, String task, String version, Path work)
      throws IOException {
    RunPlan plan =
        RunPlan.of(
            cfg,
            "3f9a2c1d4e5b6a7980e1f2a3b4c5d6e7f8091a2b",
            Instant.parse("2026-11-25T02:00:00Z"),
            1,
            work);
    JobSpec job =
        plan.jobs().stream().filter(j -> j.task().name().equals(task)).findFirst().orElseThrow();
    String text =
        new ScriptRenderer(Fixtures.templates(), new Site("", "", "", "test", version))
            .render(job, cfg, "local", "3f9a2c1d4e5b6a7980e1f2a3b4c5d6e7f8091a2b");
    Files.createDirectories(job.script().getParent());
    Files.writeString(job.script(), text);
    return job.script();
  }

  private static JobSpec spec(ExperimentConfig cfg, String task, Path work) {
    RunPlan plan =
        RunPlan.of(
            cfg,
            "3f9a2c1d4e5b6a7980e1f2a3b4c5d6e7f8091a2b",
            Instant.parse("2026-11-25T02:00:00Z"),
            1,
            work);
    return plan.jobs().stream().filter(j -> j.task().name().equals(task)).findFirst().orElseThrow();
  }

  private String stopWait = "1";

  private Process start(Path script, String version, String batchSeconds) throws Exception {
    ProcessBuilder pb =
        new ProcessBuilder("bash", script.toString())
            .redirectErrorStream(true)
            .redirectOutput(script.resolveSibling(script.getFileName() + ".log").toFile());
    Map<String, String> env = pb.environment();
    env.put("PATH", STANDIN.resolve("bin") + ":" + pythonDir() + env.get("PATH"));
    env.put("PYTHONPATH", STANDIN.resolve("python").toString());
    env.put("CAIRN_STANDIN_TERRATORCH_VERSION", version);
    env.put("CAIRN_STANDIN_BATCH_SECONDS", batchSeconds);
    env.put("CAIRN_STOP_WAIT_SECONDS", stopWait);
    return pb.start();
  }

  private static String log(Path script) throws IOException {
    return Files.readString(script.resolveSibling(script.getFileName() + ".log"));
  }

  private int runToEnd(Path script, String version) throws Exception {
    Process p = start(script, version, "0.01");
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the job did not end");
    return p.exitValue();
  }

  /** The python3 with matplotlib: the first on the PATH, else the system's (Debian's packages). */
  static String python() throws Exception {
    for (String candidate : List.of("python3", "/usr/bin/python3")) {
      Process p =
          new ProcessBuilder(candidate, "-c", "import matplotlib")
              .redirectErrorStream(true)
              .start();
      p.getInputStream().readAllBytes();
      if (p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0) {
        return candidate;
      }
    }
    return null;
  }

  static boolean pythonHas(String module) throws Exception {
    return python() != null;
  }

  /** A folder to put first on the PATH so that the job's python3 is the one with matplotlib. */
  private String pythonDir() throws Exception {
    String python = python();
    if (python == null || python.equals("python3")) {
      return "";
    }
    Path dir = tmp.resolve("python-bin");
    if (!Files.exists(dir.resolve("python3"))) {
      Files.createDirectories(dir);
      Files.createSymbolicLink(dir.resolve("python3"), Path.of(python));
    }
    return dir + ":";
  }

  @ParameterizedTest
  @ValueSource(strings = {"crop_classification", "landslide", "biomass"})
  void job_fitsTestsTheBestCheckpointAndPlots(String task) throws Exception {
    assumeTrue(pythonHas("matplotlib"), "python3 lacks matplotlib: the plotting step cannot run");
    ExperimentConfig cfg = config("GEOFM=prithvi_eo_v1_100\n");
    Path work = tmp.resolve("work");
    Path script = script(cfg, task, "1.1", work);
    assertEquals(0, runToEnd(script, "1.1"), log(script));
    JobSpec job = spec(cfg, task, work);
    Map<String, Double> metrics = JobOutputs.metrics(job.outputDir());
    QualityGate gate = cfg.gates().get(task);
    assertTrue(metrics.containsKey(gate.metric()), metrics + "\n" + log(script));
    assertTrue(gate.passes(metrics.get(gate.metric())), gate + " " + metrics);
    assertTrue(Files.isRegularFile(job.checkpointDir().resolve("best.ckpt")), log(script));
    assertTrue(Files.isRegularFile(job.checkpointDir().resolve("latest.ckpt")), log(script));
    assertFalse(
        Files.exists(job.checkpointDir().resolve("stopped.ckpt")),
        "removed after a run that ended normally");
    assertEquals(4, JobOutputs.images(job.outputDir().resolve("plots")).size(), log(script));
    String env = Files.readString(job.outputDir().resolve("env.json"));
    assertTrue(env.contains("\"terratorch\": \"1.1"), env);
    assertTrue(
        Files.readString(job.outputDir().resolve("dataset.json"))
            .matches(
                "(?s)\\{\"path\": \"[^\"]+\", \"files\": [0-9]+, \"listing_sha256\": \"[0-9a-f]{64}\","
                    + " \"dvc_md5\": \"\"}\\s*"));
    String effective = Files.readString(job.runDir().resolve("terratorch/" + task + ".yaml"));
    assertTrue(effective.contains("indices: [2, 5, 8, 11]"), effective);
    assertEquals(
        task.equals("biomass"),
        Files.exists(job.outputDir().resolve("tiles/tile_0_pred.tif")),
        log(script));
  }

  @Test
  void job_onTerratorch10_monitorsAndGatesThroughThe10Names() throws Exception {
    assumeTrue(pythonHas("matplotlib"), "python3 lacks matplotlib: the plotting step cannot run");
    ExperimentConfig cfg = config("CROP_QUALITY_GATE=test/Multiclass_Jaccard_Index>=0.5\n");
    Path work = tmp.resolve("work");
    Path script = script(cfg, "crop_classification", "1.0", work);
    assertTrue(Files.readString(script).contains("\"monitor\":\"val/Multiclass_Jaccard_Index\""));
    assertEquals(0, runToEnd(script, "1.0"), log(script));
    Map<String, Double> metrics =
        JobOutputs.metrics(spec(cfg, "crop_classification", work).outputDir());
    assertTrue(metrics.containsKey("test/mIoU"), "1.0's name read under the gate's: " + metrics);
    assertTrue(cfg.gates().get("crop_classification").passes(metrics.get("test/mIoU")));
  }

  @Test
  void stop_leavesACheckpoint_neverReadsAsSuccess_andTheNextAttemptResumes() throws Exception {
    ExperimentConfig cfg = config("EPOCHS=40\n");
    Path work = tmp.resolve("work");
    Path script = script(cfg, "landslide", "1.1", work);
    JobSpec job = spec(cfg, "landslide", work);
    Process p = start(script, "1.1", "0.05");
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(50))
        .until(
            () -> {
              assertTrue(p.isAlive(), "the job ended before an epoch did: " + log(script));
              return Files.exists(job.checkpointDir().resolve("latest.ckpt"));
            });
    // the scheduler's warning, as SLURM's --signal=B:USR1 delivers it to the batch shell
    Process kill = new ProcessBuilder("kill", "-USR1", Long.toString(p.pid())).start();
    assertEquals(0, kill.waitFor());
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), log(script));
    assertEquals(143, p.exitValue(), "a stopped job never exits 0: " + log(script));
    assertTrue(Files.isRegularFile(job.checkpointDir().resolve("stopped.ckpt")), log(script));
    assertTrue(
        JobOutputs.metrics(job.outputDir()).isEmpty(),
        "nothing was tested after the stop: " + log(script));
    assertTrue(log(script).contains("stopped on request"), log(script));
    assertFalse(log(script).contains("plot_predictions: wrote"), log(script));

    assumeTrue(pythonHas("matplotlib"), "python3 lacks matplotlib: the plotting step cannot run");
    Path again = script(cfg, "landslide", "1.1", work);
    assertEquals(0, runToEnd(again, "1.1"), log(again));
    assertTrue(
        log(again).contains("resuming from " + job.checkpointDir().resolve("stopped.ckpt")),
        log(again));
    assertTrue(log(again).contains("Restoring states from the checkpoint path"), log(again));
    List<Path> fits;
    try (Stream<Path> s = Files.list(job.outputDir().resolve("fit"))) {
      fits = s.sorted().toList();
    }
    assertEquals(2, fits.size(), "one CSV log per attempt: " + fits);
    String second = Files.readAllLines(fits.get(1).resolve("metrics.csv")).get(1);
    assertFalse(second.startsWith("0,"), "the epochs go on from the checkpoint: " + second);
    assertFalse(JobOutputs.metrics(job.outputDir()).isEmpty(), log(again));
  }

  @Test
  void stop_byTerm_endsTheJobAtOnceWithACheckpoint() throws Exception {
    ExperimentConfig cfg = config("EPOCHS=40\n");
    Path work = tmp.resolve("work");
    Path script = script(cfg, "biomass", "1.1", work);
    JobSpec job = spec(cfg, "biomass", work);
    stopWait = "600";
    Process p = start(script, "1.1", "0.05");
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(50))
        .until(
            () -> {
              assertTrue(p.isAlive(), "the job ended before an epoch did: " + log(script));
              return Files.exists(job.checkpointDir().resolve("latest.ckpt"));
            });
    // the scheduler ends the job now (preemption, cancellation): no waiting for another signal
    assertEquals(0, new ProcessBuilder("kill", "-TERM", Long.toString(p.pid())).start().waitFor());
    assertTrue(
        p.waitFor(20, TimeUnit.SECONDS), "the frame does not wait after TERM: " + log(script));
    assertEquals(143, p.exitValue(), log(script));
    assertTrue(
        log(script).contains("cairn: stop requested (TERM), asking the workload to checkpoint"),
        log(script));
    assertTrue(Files.isRegularFile(job.checkpointDir().resolve("stopped.ckpt")), log(script));
    assertTrue(JobOutputs.metrics(job.outputDir()).isEmpty(), log(script));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "prithvi_eo_v1_100",
        "prithvi_eo_v2_300",
        "prithvi_eo_v2_300_tl",
        "prithvi_eo_v2_600",
        "prithvi_eo_v2_600_tl"
      })
  void render_writesTheBackbonesNeckIndicesIntoTheTaskConfig(String model) throws Exception {
    ExperimentConfig cfg = config("GEOFM=" + model + "\n");
    String indices = ModelCatalogue.bundled().get(model).neckIndicesText();
    for (String task : List.of("crop_classification", "landslide", "biomass")) {
      String text = Files.readString(script(cfg, task, "1.1", tmp.resolve("work")));
      assertTrue(text.contains("          indices: " + indices + "\n"), task + " for " + model);
      assertTrue(
          text.contains(
              "take\n# blocks "
                  + indices.replaceAll("[\\[\\] ]", "")
                  + ", from the model catalogue"),
          text);
      assertFalse(
          text.contains("--data.init_args.predict_data_root") && !task.equals("biomass"),
          "no predict call for a datamodule without predict_data_root: " + task);
    }
  }

  @Test
  void render_smokeRunsOneShortEpoch() throws Exception {
    String text =
        Files.readString(
            script(config("SMOKE=true\n"), "crop_classification", "1.1", tmp.resolve("work")));
    assertTrue(
        text.contains("  --trainer.max_epochs 1\n  --trainer.limit_train_batches 4\n"), text);
    ExperimentConfig demo =
        ExperimentConfig.parse(
            "EXPERIMENT_NAME=d\nTRAINER=demo\nEPOCHS=9\nSMOKE=true\n"
                .getBytes(StandardCharsets.UTF_8),
            "c",
            Fixtures.tasks());
    assertTrue(
        Files.readString(script(demo, "biomass", "1.1", tmp.resolve("demo")))
            .contains("--epochs 1 "));
  }

  @Test
  void standin_rejectsPredictDataRootWhereTheDatamoduleLacksIt() throws Exception {
    Path yaml = Fixtures.projectDir().resolve("examples/terratorch/crop_classification.yaml");
    Process p =
        new ProcessBuilder(
                STANDIN.resolve("bin/terratorch").toString(),
                "predict",
                "--config",
                yaml.toString(),
                "--data.init_args.predict_data_root",
                "/data/test")
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    assertEquals(2, p.exitValue(), out);
    assertTrue(out.contains("predict_data_root"), out);
  }
}
