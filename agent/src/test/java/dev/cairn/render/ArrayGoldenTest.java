package dev.cairn.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.config.ExperimentConfig;
import dev.cairn.plan.ArrayJob;
import dev.cairn.plan.RunPlan;
import dev.cairn.testing.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Golden files of job arrays: {@code golden/arrays/sweep-crop.env} (four trials of one task)
 * renders to one array script per scheduler that runs arrays, {@code
 * sweep-crop.array.<scheduler>.sh}. Rewrite with {@code -Dcairn.updateGolden=true}, then review.
 */
class ArrayGoldenTest {
  static final Path GOLDEN = ScriptRendererTest.GOLDEN.resolve("arrays");

  static String renderArray(String scheduler) throws Exception {
    return renderArray(scheduler, Path.of("/scratch/cairn"));
  }

  static String renderArray(String scheduler, Path workDir) throws Exception {
    byte[] env = Files.readAllBytes(GOLDEN.resolve("sweep-crop.env"));
    ExperimentConfig cfg = ExperimentConfig.parse(env, "sweep-crop", Fixtures.tasks());
    RunPlan plan =
        RunPlan.of(cfg, ScriptRendererTest.COMMIT, ScriptRendererTest.SUBMITTED, 1, workDir);
    List<ArrayJob> arrays = ArrayJob.chunk(plan.jobs(), 10, cfg.sweepMaxParallel());
    assertEquals(1, arrays.size());
    return ScriptRendererTest.renderer("")
        .renderArray(arrays.get(0), cfg, scheduler, ScriptRendererTest.COMMIT);
  }

  @ParameterizedTest(name = "array on {0}")
  @ValueSource(strings = {"slurm", "lsf"})
  void renderArray_matchesGoldenFile(String scheduler) throws Exception {
    String script = renderArray(scheduler);
    Path golden = GOLDEN.resolve("sweep-crop.array." + scheduler + ".sh");
    if (Boolean.getBoolean("cairn.updateGolden")) {
      Files.writeString(golden, script);
    }
    assertTrue(
        Files.exists(golden),
        golden.getFileName()
            + " is missing; write it with -Dcairn.updateGolden=true and review it");
    assertEquals(Files.readString(golden), script);
  }

  /**
   * Without SWEEP_MAX_PARALLEL nothing follows the index range (an empty value is no {@code ''}).
   */
  @org.junit.jupiter.api.Test
  void lsfArrayWithoutAThrottle_namesItsIndexRangeAlone() throws Exception {
    byte[] env = Files.readAllBytes(GOLDEN.resolve("sweep-crop.env"));
    ExperimentConfig cfg = ExperimentConfig.parse(env, "sweep-crop", Fixtures.tasks());
    RunPlan plan =
        RunPlan.of(
            cfg, ScriptRendererTest.COMMIT, ScriptRendererTest.SUBMITTED, 1, Path.of("/scratch"));
    ArrayJob unthrottled = ArrayJob.chunk(plan.jobs(), 10, 0).get(0);
    String script =
        ScriptRendererTest.renderer("")
            .renderArray(unthrottled, cfg, "lsf", ScriptRendererTest.COMMIT);
    String name = script.lines().filter(l -> l.startsWith("#BSUB -J ")).findFirst().orElseThrow();
    assertTrue(name.endsWith("-x4-a1[1-4]\""), name);
  }

  /** SLURM's element 0 and LSF's element 1 (LSB_JOBINDEX) both run the first trial, and so on. */
  @ParameterizedTest(name = "element indices on {0}")
  @ValueSource(strings = {"slurm", "lsf"})
  void arrayScript_runsTheTrialOfTheSchedulersIndex(String scheduler, @TempDir Path tmp)
      throws Exception {
    Path array = tmp.resolve("array.sh");
    Files.writeString(array, renderArray(scheduler, tmp.resolve("work")));
    List<String> lines =
        Files.readAllLines(array).stream().filter(l -> l.contains(") exec bash ")).toList();
    assertEquals(4, lines.size());
    for (String line : lines) {
      Path script = Path.of(line.split("exec bash ")[1].split(" >> ")[0]);
      Files.createDirectories(script.getParent());
      Files.writeString(script, "echo \"ran $(basename \"$0\" .sh)\"\n");
      Files.createDirectories(Path.of(line.split(" >> ")[1].split(" 2>> ")[0]).getParent());
      Files.createDirectories(Path.of(line.split(" 2>> ")[1].split(" ;;")[0]).getParent());
    }
    int base = scheduler.equals("lsf") ? 1 : 0;
    String variable = scheduler.equals("lsf") ? "LSB_JOBINDEX" : "SLURM_ARRAY_TASK_ID";
    for (int i = 0; i < lines.size(); i++) {
      ProcessBuilder pb = new ProcessBuilder("bash", array.toString());
      pb.environment().remove("SLURM_ARRAY_TASK_ID");
      pb.environment().remove("LSB_JOBINDEX");
      pb.environment().put(variable, Integer.toString(base + i));
      Process p = pb.redirectErrorStream(true).start();
      assertTrue(p.waitFor(20, TimeUnit.SECONDS));
      assertEquals(0, p.exitValue(), new String(p.getInputStream().readAllBytes()));
      String trial = lines.get(i).substring(lines.get(i).lastIndexOf("# ") + 2).strip();
      Path out = tmp.resolve("work/runs").toFile().listFiles()[0].toPath();
      assertTrue(
          Files.readString(out.resolve("out/" + trial + ".out")).contains("ran " + trial),
          scheduler + " index " + (base + i) + " should run " + trial);
    }
    ProcessBuilder outside = new ProcessBuilder("bash", array.toString());
    outside.environment().remove("SLURM_ARRAY_TASK_ID");
    outside.environment().put(variable, Integer.toString(base + lines.size()));
    assertEquals(2, outside.start().waitFor(), "an index past the last names no trial");
  }
}
