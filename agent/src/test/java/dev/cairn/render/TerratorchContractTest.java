package dev.cairn.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.CairnException;
import dev.cairn.config.ExperimentConfig;
import dev.cairn.plan.JobSpec;
import dev.cairn.plan.RunPlan;
import dev.cairn.terratorch.ModelCatalogue;
import dev.cairn.terratorch.TerratorchMetrics;
import dev.cairn.testing.FakeDatasets;
import dev.cairn.testing.Fixtures;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every task x backbone x TerraTorch version x stage layout, rendered with TRAINER=terratorch and
 * run by bash with the stand-in in validate-only mode ({@code CAIRN_STANDIN_VALIDATE_ONLY=1}): each
 * fit, test and predict command is checked against the contract table read from TerraTorch's source
 * ({@code examples/terratorch/contract/}), on small datasets laid out as each datamodule expects.
 * The plotting step is left out (a shim), as it loads a checkpoint.
 */
class TerratorchContractTest {
  static final List<String> TASKS = List.of("crop_classification", "landslide", "biomass");

  /** Cairn's version names against the contract's ({@code README.md} there). */
  static final Map<String, String> CONTRACT_VERSION =
      Map.of("1.0", "1.0.2", "1.1.0", "1.1.0", "1.1", "1.1.1", "1.2", "1.2.13");

  static final List<String> CONTRACT_ORDER = List.of("1.0.2", "1.1.0", "1.1.1", "1.2.13");

  @TempDir Path tmp;

  private String config(String model, String stages) {
    StringBuilder text =
        new StringBuilder(
            "EXPERIMENT_NAME=contract\nTRAINER=terratorch\nSCHEDULER=local\nEPOCHS=1\n"
                + "GEOFM="
                + model
                + "\nSTAGES="
                + stages
                + "\n");
    for (String task : TASKS) {
      String key = task.equals("crop_classification") ? "CROP" : task.toUpperCase();
      text.append(key).append("_DATASET_PATH=").append(tmp.resolve("data/" + task)).append('\n');
    }
    return text.toString();
  }

  @Test
  void catalogueVersions_agreeWithTheContractsBackboneRegistrations() throws IOException {
    String csv =
        Files.readString(
            Fixtures.projectDir().resolve("examples/terratorch/contract/backbones.csv"));
    List<String> header = List.of(csv.lines().findFirst().orElseThrow().split(","));
    for (ModelCatalogue.Model model :
        ModelCatalogue.bundled().names().stream()
            .map(n -> ModelCatalogue.bundled().get(n))
            .toList()) {
      String[] row =
          csv.lines()
              .filter(l -> l.startsWith(model.name() + ","))
              .findFirst()
              .orElseThrow(() -> new AssertionError(model.name() + " not in backbones.csv"))
              .split(",");
      int from = CONTRACT_ORDER.indexOf(row[header.indexOf("from_version")]);
      int to = CONTRACT_ORDER.indexOf(row[header.indexOf("to_version")]);
      for (String v : TerratorchMetrics.VERSIONS) {
        int at = CONTRACT_ORDER.indexOf(CONTRACT_VERSION.get(v));
        assertEquals(from <= at && at <= to, model.in(v), model.name() + " in " + v);
      }
      assertEquals(row[header.indexOf("hf_repo_id")], model.hfRepo(), model.name());
      assertEquals(row[header.indexOf("hf_filename")], model.hfFile(), model.name());
      assertEquals(Integer.parseInt(row[header.indexOf("depth")]), model.blocks(), model.name());
    }
  }

  @Test
  void everyTaskBackboneVersionAndStage_passesTheStandinsValidation() throws Exception {
    for (String task : TASKS) {
      FakeDatasets.write(task, tmp.resolve("data/" + task), 1);
    }
    Path shim = Files.createDirectories(tmp.resolve("shim"));
    Files.writeString(
        shim.resolve("python3"),
        "#!/bin/sh\ncase \"${1:-}\" in *plot_predictions.py) echo 'contract: no plot'; exit 0;;"
            + " esac\nexec "
            + realPython()
            + " \"$@\"\n");
    Files.setPosixFilePermissions(
        shim.resolve("python3"), PosixFilePermissions.fromString("rwxr-xr-x"));
    // a trial's scripts, in order: its train and evaluate jobs share an output folder
    List<List<Path>> trials = new ArrayList<>();
    int refused = 0;
    for (String version : TerratorchMetrics.VERSIONS) {
      ScriptRenderer renderer =
          new ScriptRenderer(Fixtures.templates(), new Site("", "", "", "test", version));
      for (String model : ModelCatalogue.bundled().names()) {
        for (String stages : List.of("all", "train,evaluate")) {
          ExperimentConfig cfg =
              ExperimentConfig.parse(
                  config(model, stages).getBytes(StandardCharsets.UTF_8), "c", Fixtures.tasks());
          Path work = tmp.resolve("work/" + version + "/" + model + "/" + stages.replace(',', '-'));
          for (JobSpec job :
              RunPlan.of(cfg, TerratorchConfigsTest.COMMIT, Instant.EPOCH, 1, work).jobs()) {
            List<JobSpec> specs =
                job.stage().equals(JobSpec.TRAIN)
                    ? List.of(job, job.evaluate("", null))
                    : List.of(job);
            List<Path> trial = new ArrayList<>();
            for (JobSpec spec : specs) {
              if (!ModelCatalogue.bundled().get(model).in(version)) {
                CairnException e =
                    assertThrows(
                        CairnException.class,
                        () -> renderer.render(spec, cfg, "local", TerratorchConfigsTest.COMMIT));
                assertTrue(e.getMessage().contains("is not registered in TerraTorch"));
                refused++;
                continue;
              }
              // test and predict name the best checkpoint, which validate-only checks exists
              Files.createDirectories(spec.checkpointDir());
              Files.writeString(spec.checkpointDir().resolve("best.ckpt"), "{}");
              Path script =
                  spec.script().resolveSibling(spec.script().getFileName() + "." + version + ".sh");
              Files.createDirectories(script.getParent());
              Files.writeString(
                  script, renderer.render(spec, cfg, "local", TerratorchConfigsTest.COMMIT));
              trial.add(script);
            }
            if (!trial.isEmpty()) {
              trials.add(trial);
            }
          }
        }
      }
    }
    // 3 tasks x 7 backbones x 4 versions x (one all-stage script + a train and an evaluate one),
    // less the two backbones 1.0 lacks
    assertEquals(3 * 2 * 3, refused);
    assertEquals(3 * (7 * 4 - 2) * 3, trials.stream().mapToInt(List::size).sum());
    List<String> failures = Collections.synchronizedList(new ArrayList<>());
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> runs = new ArrayList<>();
      for (List<Path> trial : trials) {
        runs.add(
            pool.submit(
                () -> {
                  for (Path script : trial) {
                    run(script, shim, failures);
                  }
                  return null;
                }));
      }
      for (Future<?> f : runs) {
        f.get(10, TimeUnit.MINUTES);
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(List.of(), failures);
  }

  /**
   * The interpreter the PATH's python3 runs, by its own path: a version manager's shim on the PATH
   * (pyenv's costs about 0.1 s a start) would otherwise run a thousand times.
   */
  private static String realPython() throws Exception {
    Process p = new ProcessBuilder("python3", "-c", "import sys; print(sys.executable)").start();
    String path = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertTrue(p.waitFor(30, TimeUnit.SECONDS) && !path.isEmpty(), "no python3 on the PATH");
    return path;
  }

  private static Void run(Path script, Path shim, List<String> failures) throws Exception {
    String name = script.getFileName().toString();
    String version = name.replaceAll(".*\\.sh\\.([0-9.]+)\\.sh$", "$1");
    Path log = script.resolveSibling(name + ".log");
    ProcessBuilder pb =
        new ProcessBuilder("bash", script.toString())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    Map<String, String> env = pb.environment();
    env.put("PATH", shim + ":" + TerratorchJobTest.STANDIN.resolve("bin") + ":" + env.get("PATH"));
    env.put("PYTHONPATH", TerratorchJobTest.STANDIN.resolve("python").toString());
    env.put("CAIRN_STANDIN_VALIDATE_ONLY", "1");
    env.put("CAIRN_STANDIN_TERRATORCH_VERSION", version);
    env.remove("HF_HUB_OFFLINE");
    Process p = pb.start();
    if (!p.waitFor(5, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      failures.add(script + ": did not end");
      return null;
    }
    String out = Files.readString(log);
    boolean train = !name.contains("-evaluate");
    boolean evaluate =
        !script.toString().contains("/train-evaluate/") || name.contains("-evaluate");
    boolean ok =
        p.exitValue() == 0
            && (!train || out.contains("standin: ok fit "))
            && (!evaluate || out.contains("standin: ok test "))
            && (!evaluate || !name.startsWith("biomass") || out.contains("standin: ok predict "));
    if (!ok) {
      failures.add(script + " (TerraTorch " + version + ") exited " + p.exitValue() + ":\n" + out);
    }
    return null;
  }
}
