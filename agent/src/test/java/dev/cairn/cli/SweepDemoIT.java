package dev.cairn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.Json;
import dev.cairn.testing.AgentProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two models times two learning rates on three tasks: `render`, then `demo --config`. */
class SweepDemoIT {
  static final String CONFIG =
      """
      EXPERIMENT_NAME=portfolio
      GEOFM=prithvi_eo_v1_100,prithvi_eo_v2_300
      LEARNING_RATE=1e-4,3e-4
      TASKS=crop_classification,landslide,biomass
      TRAINER=demo
      SCHEDULER=local
      EPOCHS=1
      GPUS_PER_JOB=0
      CPUS_PER_JOB=1
      MEMORY_PER_JOB=1G
      TIME_LIMIT=00:10:00
      PRITHVI_EO_V2_300_PARTITION=big
      BIOMASS_TIME_LIMIT=00:05:00
      SWEEP_MAX_PARALLEL=2
      CROP_QUALITY_GATE=test/mIoU>=0.0
      LANDSLIDE_QUALITY_GATE=test/mIoU>=0.0
      BIOMASS_QUALITY_GATE=test/RMSE<=1000000
      """;

  @TempDir Path tmp;

  @Test
  void render_listsTwelveTrialsWithTheirResources() throws Exception {
    Path config = Files.writeString(tmp.resolve("config.env"), CONFIG);
    Path log = tmp.resolve("render.log");
    try (AgentProcess render =
        AgentProcess.start(
            log,
            Map.of(),
            "render",
            "--scripts",
            "--trainer-jar",
            tmp.resolve("demo-trainer.jar").toString(),
            "--config",
            config.toString(),
            "--scheduler",
            "slurm")) {
      assertEquals(0, render.waitFor(Duration.ofSeconds(60)), Files.readString(log));
    }
    String out = Files.readString(log);
    assertTrue(out.startsWith("# 12 trial(s) of 3 task(s), at most 2 at once:\n"), out);
    List<String> trialLines = out.lines().filter(l -> l.matches("# [a-z_]+-prithvi.*")).toList();
    assertEquals(12, trialLines.size(), out);
    assertTrue(
        out.contains(
            "# biomass-prithvi_eo_v2_300-lr3e-4-s42-b8-e1  GEOFM=prithvi_eo_v2_300"
                + " LEARNING_RATE=3e-4 SEED=42 BATCH_SIZE=8 EPOCHS=1  partition=big gpus=0 cpus=1"
                + " mem=1024M time=00:05:00"),
        out);
    // twelve trial scripts, then per task one array for each resource shape: 2 on big, 2 not
    assertEquals(18, out.lines().filter(l -> l.startsWith("#SBATCH --job-name=")).count(), out);
    assertEquals(6, out.lines().filter(l -> l.equals("#SBATCH --array=0-1%2")).count(), out);
    assertEquals(9, out.lines().filter(l -> l.equals("#SBATCH --partition=big")).count(), out);
  }

  @Test
  void demo_runsEveryTrialToCompletedInOneResultsCommit() throws Exception {
    Path config = Files.writeString(tmp.resolve("config.env"), CONFIG);
    Path log = tmp.resolve("demo.log");
    Path ws = tmp.resolve("ws");
    long started = System.nanoTime();
    int code;
    try (AgentProcess demo =
        AgentProcess.start(
            log, Map.of(), "demo", "--workspace", ws.toString(), "--config", config.toString())) {
      code = demo.waitFor(Duration.ofSeconds(170));
    }
    long seconds = (System.nanoTime() - started) / 1_000_000_000L;
    String out = Files.readString(log);
    assertEquals(0, code, out);
    assertTrue(out.contains("SUCCEEDED"), out);
    assertTrue(out.contains("12 of 12 trial(s) completed"), out);
    System.out.println("sweep demo of 12 trials took " + seconds + " s");

    Path run;
    try (Stream<Path> dirs = Files.list(ws.resolve("agent/work/runs"))) {
      run = dirs.findFirst().orElseThrow();
    }
    Path clone = tmp.resolve("clone");
    try (Git git =
        Git.cloneRepository()
            .setURI(ws.resolve("origin.git").toUri().toString())
            .setDirectory(clone.toFile())
            .call()) {
      // the seed commit and one results commit
      long commits = 0;
      for (var c : git.log().call()) {
        commits++;
      }
      assertEquals(2, commits);
    }
    Path results;
    try (Stream<Path> dirs = Files.list(clone.resolve("results"))) {
      results = dirs.filter(Files::isDirectory).findFirst().orElseThrow();
    }
    JsonNode runJson = Json.MAPPER.readTree(results.resolve("run.json").toFile());
    assertEquals("SUCCEEDED", runJson.get("state").asText());
    assertEquals(12, runJson.get("jobs").size());
    JsonNode one = runJson.get("jobs").get("landslide-prithvi_eo_v2_300-lr1e-4-s42-b8-e1");
    assertEquals("COMPLETED", one.get("state").asText());
    assertEquals("prithvi_eo_v2_300", one.get("values").get("GEOFM").asText());
    assertEquals("big", one.get("resources").get("partition").asText());
    assertEquals(1, one.get("attempts").asInt());
    assertTrue(one.get("metrics").has("test/mIoU"), one.toString());
    try (Stream<Path> trials = Files.list(results)) {
      assertEquals(12, trials.filter(p -> Files.isRegularFile(p.resolve("trial.json"))).count());
    }
    for (String id :
        new String[] {
          "crop_classification-prithvi_eo_v1_100-lr1e-4-s42-b8-e1",
          "biomass-prithvi_eo_v2_300-lr3e-4-s42-b8-e1"
        }) {
      assertTrue(Files.size(run.resolve("out/" + id + ".out")) > 0, id);
      assertTrue(Files.isDirectory(run.resolve("checkpoints/" + id)), id);
    }
  }
}
