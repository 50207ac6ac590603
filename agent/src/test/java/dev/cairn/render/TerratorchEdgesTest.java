package dev.cairn.render;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.cairn.collect.JobOutputs;
import dev.cairn.config.ExperimentConfig;
import dev.cairn.plan.JobSpec;
import dev.cairn.plan.RunPlan;
import dev.cairn.testing.FakeDatasets;
import dev.cairn.testing.Fixtures;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The TerraTorch job's edges, run by bash with the stand-in: a stop during predict, a failed plot,
 * the Hugging Face cache on an offline node. A wrapper before the stand-in on the PATH marks when a
 * subcommand starts and, for predict, ignores TERM as Lightning's prediction loop does.
 */
class TerratorchEdgesTest {
  @TempDir Path tmp;
  private Path work;
  private Path bin;
  private final Map<String, String> extraEnv = new java.util.HashMap<>();

  @BeforeEach
  void setUp() throws IOException {
    work = tmp.resolve("work");
    bin = Files.createDirectories(tmp.resolve("bin"));
    Path wrapper = bin.resolve("terratorch");
    Files.writeString(
        wrapper,
        "#!/bin/bash\n"
            + "if [ \"$1\" = predict ] && [ -n \"${EDGE_PREDICT_HANGS:-}\" ]; then\n"
            + "  trap '' TERM\n"
            + "  touch \"$CAIRN_OUTPUT_DIR/started-$1\"\n"
            + "  while :; do sleep 1; done\n"
            + "fi\n"
            + "if [ \"$1\" = test ] && [ -n \"${EDGE_SLOW_TEST:-}\" ]; then\n"
            + "  export CAIRN_STANDIN_BATCH_SECONDS=1\n"
            + "fi\n"
            + "touch \"$CAIRN_OUTPUT_DIR/started-$1\"\n"
            + "export PATH=\"$EDGE_REAL_PATH\"\n"
            + "exec "
            + TerratorchJobTest.STANDIN.resolve("bin/terratorch")
            + " \"$@\"\n");
    Files.setPosixFilePermissions(wrapper, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  private ExperimentConfig config(String extra) throws IOException {
    StringBuilder text =
        new StringBuilder("EXPERIMENT_NAME=tt\nTRAINER=terratorch\nSCHEDULER=local\nEPOCHS=2\n");
    for (String task : List.of("crop_classification", "landslide", "biomass")) {
      Path data = tmp.resolve("data/" + task);
      if (!Files.exists(data)) {
        FakeDatasets.write(task, data, 1);
      }
      String key = task.equals("crop_classification") ? "CROP" : task.toUpperCase();
      text.append(key).append("_DATASET_PATH=").append(data).append('\n');
    }
    return ExperimentConfig.parse(
        (text + extra).getBytes(StandardCharsets.UTF_8), "config.env", Fixtures.tasks());
  }

  private JobSpec job(ExperimentConfig cfg, String task) throws IOException {
    JobSpec job =
        RunPlan.of(
                cfg, TerratorchConfigsTest.COMMIT, Instant.parse("2026-11-25T02:00:00Z"), 1, work)
            .jobs()
            .stream()
            .filter(j -> j.task().name().equals(task))
            .findFirst()
            .orElseThrow();
    String text =
        new ScriptRenderer(Fixtures.templates(), new Site("", "", "", "test", "1.1"))
            .render(job, cfg, "local", TerratorchConfigsTest.COMMIT);
    Files.createDirectories(job.script().getParent());
    Files.writeString(job.script(), text);
    return job;
  }

  private Process start(JobSpec job, String batchSeconds) throws IOException {
    ProcessBuilder pb =
        new ProcessBuilder("bash", job.script().toString())
            .redirectErrorStream(true)
            .redirectOutput(log(job).toFile());
    Map<String, String> env = pb.environment();
    String real = TerratorchJobTest.STANDIN.resolve("bin") + ":" + env.get("PATH");
    env.put("PATH", bin + ":" + real);
    env.put("EDGE_REAL_PATH", real);
    env.put("PYTHONPATH", TerratorchJobTest.STANDIN.resolve("python").toString());
    env.put("CAIRN_STANDIN_BATCH_SECONDS", batchSeconds);
    env.put("CAIRN_STOP_WAIT_SECONDS", "1");
    env.remove("HF_HUB_OFFLINE");
    env.putAll(extraEnv);
    return pb.start();
  }

  private static Path log(JobSpec job) {
    return job.script().resolveSibling(job.script().getFileName() + ".log");
  }

  private static String text(Path p) throws IOException {
    return Files.exists(p) ? Files.readString(p) : "";
  }

  private void awaitStarted(Process p, JobSpec job, String subcommand) {
    await()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(50))
        .until(
            () -> {
              assertTrue(p.isAlive(), "ended before " + subcommand + ": " + text(log(job)));
              return Files.exists(job.outputDir().resolve("started-" + subcommand));
            });
  }

  private static void term(Process p) throws Exception {
    assertEquals(0, new ProcessBuilder("kill", "-TERM", Long.toString(p.pid())).start().waitFor());
  }

  @Test
  void stopDuringTest_leavesNoStoppedCheckpointForTheNextFit() throws Exception {
    JobSpec job = job(config(""), "landslide");
    extraEnv.put("EDGE_SLOW_TEST", "1");
    Process p = start(job, "0.01");
    awaitStarted(p, job, "test");
    // the stand-in tests 4 batches of a second each; its SIGTERM handler is in place well before
    Thread.sleep(2000);
    term(p);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), text(log(job)));
    assertEquals(143, p.exitValue(), text(log(job)));
    assertFalse(
        Files.exists(job.checkpointDir().resolve("stopped.ckpt")),
        "a stop during test must leave nothing that the next fit resumes from: " + text(log(job)));
    assertTrue(Files.exists(job.checkpointDir().resolve("latest.ckpt")), text(log(job)));
  }

  @Test
  void stopDuringPredict_endsItAtOnce_thoughItIgnoresTerm() throws Exception {
    JobSpec job = job(config(""), "biomass");
    extraEnv.put("EDGE_PREDICT_HANGS", "1");
    Process p = start(job, "0.01");
    awaitStarted(p, job, "predict");
    term(p);
    assertTrue(p.waitFor(30, TimeUnit.SECONDS), "predict ran on after the stop: " + text(log(job)));
    assertEquals(143, p.exitValue(), text(log(job)));
    assertTrue(
        text(log(job)).contains("stop requested (TERM), ending the workload"), text(log(job)));
  }

  @Test
  void failedPlot_isANote_andTheTrialSucceedsOnItsTestMetrics() throws Exception {
    // a python3 that cannot plot, first on the PATH (env.json then holds nulls, as documented)
    Path python = bin.resolve("python3");
    Files.writeString(
        python,
        "#!/bin/sh\necho \"ModuleNotFoundError: No module named 'matplotlib'\" >&2\nexit 1\n");
    Files.setPosixFilePermissions(python, PosixFilePermissions.fromString("rwxr-xr-x"));
    JobSpec job = job(config(""), "crop_classification");
    Process p = start(job, "0.01");
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), text(log(job)));
    assertEquals(0, p.exitValue(), text(log(job)));
    assertFalse(JobOutputs.metrics(job.outputDir()).isEmpty(), text(log(job)));
    List<String> notes = Files.readAllLines(job.outputDir().resolve("notes.txt"));
    assertTrue(
        notes.contains(
            "plots missing: plot_predictions.py exited 1: ModuleNotFoundError: No module named"
                + " 'matplotlib'"),
        notes.toString());
    assertTrue(
        notes.stream().anyMatch(n -> n.contains("the test split is the validation split")),
        notes.toString());
  }

  @Test
  void offline_withoutTheWeightsInTheCache_failsAtOnceAndSaysHowToFillIt() throws Exception {
    extraEnv.put("HF_HUB_OFFLINE", "1");
    extraEnv.put("HF_HOME", tmp.resolve("hf").toString());
    JobSpec job = job(config("GEOFM=prithvi_eo_v1_100\n"), "landslide");
    Process p = start(job, "0.01");
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), text(log(job)));
    assertEquals(2, p.exitValue(), text(log(job)));
    assertTrue(
        text(log(job))
            .contains(
                "models--ibm-nasa-geospatial--Prithvi-EO-1.0-100M/snapshots/<revision>/"
                    + "Prithvi_EO_V1_100M.pt is missing; fill the cache on a node with internet:"
                    + " huggingface-cli download ibm-nasa-geospatial/Prithvi-EO-1.0-100M"
                    + " Prithvi_EO_V1_100M.pt"),
        text(log(job)));
    assertFalse(Files.exists(job.outputDir().resolve("started-fit")), "nothing ran");
  }

  @Test
  void offline_withTheWeightsInTheCache_runs() throws Exception {
    assumeTrue(TerratorchJobTest.pythonHas("matplotlib"), "python3 lacks matplotlib");
    Path snapshot =
        Files.createDirectories(
            tmp.resolve("hf/hub/models--ibm-nasa-geospatial--Prithvi-EO-1.0-100M/snapshots/abc"));
    Files.writeString(snapshot.resolve("Prithvi_EO_V1_100M.pt"), "w");
    extraEnv.put("HF_HUB_OFFLINE", "1");
    extraEnv.put("HF_HOME", tmp.resolve("hf").toString());
    JobSpec job = job(config("GEOFM=prithvi_eo_v1_100\n"), "landslide");
    Process p = start(job, "0.01");
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), text(log(job)));
    assertTrue(
        text(log(job)).contains("backbone weights from the Hugging Face cache"), text(log(job)));
    assertTrue(Files.exists(job.outputDir().resolve("started-fit")), text(log(job)));
  }
}
