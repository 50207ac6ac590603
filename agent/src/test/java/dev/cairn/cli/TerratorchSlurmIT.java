package dev.cairn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.Json;
import dev.cairn.agent.Run;
import dev.cairn.config.AgentSettings;
import dev.cairn.config.ExperimentConfig;
import dev.cairn.daemon.Wiring;
import dev.cairn.demo.DemoWorkspace;
import dev.cairn.model.RunRequest;
import dev.cairn.model.StoreKeys;
import dev.cairn.store.FileObjectStore;
import dev.cairn.testing.FakeDatasets;
import dev.cairn.testing.Fixtures;
import dev.cairn.testing.SlurmCluster;
import dev.cairn.testing.UsesSlurm;
import dev.cairn.trigger.RequestQueue;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent runs the three tasks with TRAINER=terratorch on the real single-node SLURM, with the
 * test stand-in for the {@code terratorch} command on the jobs' PATH (through the site prologue, as
 * a site's {@code module load} would put TerraTorch there): templates from the run's commit,
 * quality gates, the best checkpoint tested, plots, a preempted fit resumed from its checkpoint,
 * and the results commit. Real TerraTorch is not run.
 */
@UsesSlurm
class TerratorchSlurmIT {
  static final Path STANDIN = Fixtures.projectDir().resolve("agent/src/test/terratorch-standin");
  static final String MARK = "cairn: templates of the run's own commit";
  static SlurmCluster cluster;
  @TempDir Path tmp;
  private DemoWorkspace ws;

  @BeforeAll
  static void cluster() {
    cluster = SlurmCluster.ensure();
  }

  @BeforeEach
  void setUp() throws Exception {
    ws = new DemoWorkspace(tmp.resolve("ws"));
    ws.create();
  }

  /** Commits a config (and a frame that says it came from this commit) as a researcher would. */
  private String commit(String config) throws Exception {
    Path repo = ws.researcher;
    Files.writeString(repo.resolve("config/config.env"), config);
    Path frame = repo.resolve("templates/job.sh.peb");
    String text = Files.readString(frame);
    if (!text.contains(MARK)) {
      Files.writeString(
          frame, text.replace("set -euo pipefail\n", "set -euo pipefail\necho \"" + MARK + "\"\n"));
    }
    Fixtures.git(repo, "add", "-A");
    Fixtures.git(
        repo,
        "-c",
        "user.name=Researcher",
        "-c",
        "user.email=r@example.org",
        "commit",
        "-q",
        "-m",
        "TerraTorch on SLURM");
    Fixtures.git(repo, "push", "-q", "origin", "main");
    String sha = Fixtures.git(repo, "rev-parse", "HEAD").strip();
    byte[] bytes = config.getBytes(StandardCharsets.UTF_8);
    try (FileObjectStore store = new FileObjectStore(ws.store)) {
      RequestQueue.submit(
          store,
          new RunRequest(
              sha,
              "main",
              "it",
              "Researcher",
              "TerraTorch on SLURM",
              Instant.now().toString(),
              ExperimentConfig.sha256(bytes),
              1,
              null),
          bytes);
    }
    return sha;
  }

  private String config(String tasks, String memory, String epochs, String extra) throws Exception {
    StringBuilder c =
        new StringBuilder(
            "EXPERIMENT_NAME=tt-slurm\nGEOFM=prithvi_eo_v1_100\nTRAINER=terratorch\n"
                + "SCHEDULER=slurm\nTASKS="
                + tasks
                + "\nEPOCHS="
                + epochs
                + "\nGPUS_PER_JOB=0\nCPUS_PER_JOB=1\n"
                + "MEMORY_PER_JOB="
                + memory
                + "\nTIME_LIMIT=10\nMAX_ATTEMPTS=3\n"
                + extra);
    for (String task : List.of("crop_classification", "landslide", "biomass")) {
      Path data = tmp.resolve("data/" + task);
      if (!Files.exists(data)) {
        FakeDatasets.write(task, data, 2);
      }
      String key = task.equals("crop_classification") ? "CROP" : task.toUpperCase();
      c.append(key).append("_DATASET_PATH=").append(data).append('\n');
    }
    return c.toString();
  }

  /** The site prologue: the stand-in on PATH, and a python3 with matplotlib for the plots. */
  private Path prologue(String batchSeconds) throws Exception {
    String python = "python3";
    for (String candidate : List.of("/usr/bin/python3", "python3")) {
      Process p =
          new ProcessBuilder(candidate, "-c", "import matplotlib")
              .redirectErrorStream(true)
              .start();
      p.getInputStream().readAllBytes();
      if (p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0) {
        python = candidate;
        break;
      }
    }
    Path bin = tmp.resolve("python-bin");
    Files.createDirectories(bin);
    if (python.startsWith("/")) {
      Files.deleteIfExists(bin.resolve("python3"));
      Files.createSymbolicLink(bin.resolve("python3"), Path.of(python));
    }
    Path file = tmp.resolve("prologue.sh");
    Files.writeString(
        file,
        "export PATH="
            + STANDIN.resolve("bin")
            + ":"
            + bin
            + ":$PATH\n"
            + "export PYTHONPATH="
            + STANDIN.resolve("python")
            + "\n"
            + "export CAIRN_STANDIN_BATCH_SECONDS="
            + batchSeconds
            + "\n"
            + "export CAIRN_STOP_WAIT_SECONDS=60\n");
    return file;
  }

  private Wiring wiring(Path prologue) throws Exception {
    Map<String, String> env = new HashMap<>();
    env.put("HOME", System.getProperty("user.home"));
    env.put("CAIRN_STORE", ws.store.toUri().toString());
    env.put("CAIRN_STATE_DIR", ws.agentState.toString());
    env.put("CAIRN_REPO_DIR", ws.agentState.resolve("repo").toString());
    env.put("CAIRN_REPO_REMOTE", ws.origin.toUri().toString());
    env.put("CAIRN_POLL_MIN_SECONDS", "1");
    env.put("CAIRN_POLL_MAX_SECONDS", "2");
    env.put("CAIRN_SITE_PROLOGUE", prologue.toString());
    Wiring wiring = Wiring.open(AgentSettings.load(null, env), Clock.systemUTC());
    wiring.start();
    return wiring;
  }

  private JsonNode status(String commit) throws Exception {
    try (FileObjectStore store = new FileObjectStore(ws.store)) {
      return Json.MAPPER.readTree(store.get(StoreKeys.statusKey(commit)).orElseThrow().content());
    }
  }

  private static void untilIdle(Wiring wiring, Duration limit) throws Exception {
    long deadline = System.nanoTime() + limit.toNanos();
    while (wiring.agent().tick()) {
      assertTrue(System.nanoTime() < deadline, "runs still active after " + limit);
      Thread.sleep(1000);
    }
  }

  private static String show(Path origin, String rev, String path) throws Exception {
    return Fixtures.git(origin, "show", rev + ":" + path);
  }

  @Test
  void threeTasksTwoBackbones_inTrainAndEvaluateJobs_meetTheirGates_plot_andArePublished()
      throws Exception {
    String commit =
        commit(
            config(
                    "crop_classification,landslide,biomass",
                    "800M",
                    "3",
                    "GEOFM=prithvi_eo_v1_100,prithvi_eo_v2_tiny_tl\nSTAGES=train,evaluate\n")
                .replace("GEOFM=prithvi_eo_v1_100\nTRAINER", "TRAINER"));
    Run run;
    try (Wiring wiring = wiring(prologue("0.05"))) {
      untilIdle(wiring, Duration.ofMinutes(8));
      run =
          wiring.agent().runs().values().stream()
              .filter(r -> r.commit().equals(commit))
              .findFirst()
              .orElseThrow();
    }
    JsonNode status = status(commit);
    assertEquals("SUCCEEDED", status.get("state").asText(), status.toString());
    assertEquals(6, status.get("jobs").size(), status.toString());
    Path runDir = Path.of(run.runDir());
    for (JsonNode job : status.get("jobs")) {
      String task = job.get("task").asText();
      String trial = job.get("trial").asText();
      assertEquals("COMPLETED", job.get("state").asText(), job.toString());
      assertTrue(job.get("gate_passed").asBoolean(), job.toString());
      assertTrue(
          job.get("metrics").has(task.equals("biomass") ? "test/RMSE" : "test/mIoU"),
          job.toString());
      assertTrue(Files.isRegularFile(runDir.resolve("checkpoints/" + trial + "/best.ckpt")), trial);
      assertTrue(
          Files.readString(runDir.resolve("out/" + trial + ".out")).contains(MARK),
          "rendered from the commit");
      try (Stream<Path> plots = Files.list(runDir.resolve("predictions/" + trial + "/plots"))) {
        assertEquals(4, plots.filter(p -> p.toString().endsWith(".png")).count(), trial);
      }
      assertTrue(
          Files.readString(runDir.resolve("predictions/" + trial + "/env.json"))
              .contains("\"terratorch\": \"1.1"));
      assertEquals(
          task.equals("crop_classification"),
          job.path("reason").asText("").contains("the test split is the validation split"),
          job.toString());
    }
    String results = status.get("results_commit").asText();
    String rel = "results/" + run.runId();
    String small = "crop_classification-prithvi_eo_v1_100-s42-b8-e3";
    assertTrue(show(ws.origin, results, rel + "/scripts/" + small + ".sh").contains(MARK));
    assertTrue(
        show(ws.origin, results, rel + "/terratorch/" + small + ".yaml")
            .contains("indices: [2, 5, 8, 11]"));
    assertTrue(show(ws.origin, results, rel + "/predictions.dvc").contains("md5:"));
    assertTrue(show(ws.origin, results, rel + "/summary.md").contains("test/RMSE<="));
  }

  @Test
  void preemptedFit_resumesFromItsCheckpoint_andCountsTheAttempt() throws Exception {
    String commit = commit(config("crop_classification", "3000M", "12", "PARTITION=low\n"));
    try (Wiring wiring = wiring(prologue("0.4"))) {
      Path latest = null;
      long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
      while (latest == null || !Files.exists(latest)) {
        wiring.agent().tick();
        Run run =
            wiring.agent().runs().values().stream()
                .filter(r -> r.commit().equals(commit))
                .findFirst()
                .orElse(null);
        if (run != null) {
          latest = Path.of(run.runDir()).resolve("checkpoints/crop_classification/latest.ckpt");
        }
        assertTrue(System.nanoTime() < deadline, "the fit did not finish an epoch");
        Thread.sleep(500);
      }
      // a job on the high-priority partition needs the memory the fit holds: SLURM preempts it
      cluster.preemptWith("3000M", 5, tmp.resolve("high.out"));
      untilIdle(wiring, Duration.ofMinutes(6));
      Run run =
          wiring.agent().runs().values().stream()
              .filter(r -> r.commit().equals(commit))
              .findFirst()
              .orElseThrow();
      JsonNode status = status(commit);
      assertEquals("SUCCEEDED", status.get("state").asText(), status.toString());
      JsonNode job = status.get("jobs").get(0);
      assertEquals(2, job.get("attempts").asInt(), job.toString());
      assertEquals("REQUEUED", job.get("history").get(0).get("state").asText(), job.toString());
      String out = Files.readString(Path.of(run.runDir()).resolve("out/crop_classification.out"));
      assertTrue(
          out.contains(
              "cairn: resuming from "
                  + Path.of(run.runDir()).resolve("checkpoints/crop_classification")),
          out);
      String err = Files.readString(Path.of(run.runDir()).resolve("err/crop_classification.err"));
      // Lightning logs through Python's logging, to stderr
      assertTrue(err.contains("Restoring states from the checkpoint path"), err);
      assertTrue(
          err.contains("cairn: stop requested (TERM), asking the workload to checkpoint"),
          "the frame saw SLURM's TERM: " + err);
    }
  }
}
