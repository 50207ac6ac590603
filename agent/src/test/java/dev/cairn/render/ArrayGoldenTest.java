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
    byte[] env = Files.readAllBytes(GOLDEN.resolve("sweep-crop.env"));
    ExperimentConfig cfg = ExperimentConfig.parse(env, "sweep-crop", Fixtures.tasks());
    RunPlan plan =
        RunPlan.of(
            cfg,
            ScriptRendererTest.COMMIT,
            ScriptRendererTest.SUBMITTED,
            1,
            Path.of("/scratch/cairn"));
    List<ArrayJob> arrays = ArrayJob.chunk(plan.jobs(), 10, cfg.sweepMaxParallel());
    assertEquals(1, arrays.size());
    return ScriptRendererTest.renderer("")
        .renderArray(arrays.get(0), cfg, scheduler, ScriptRendererTest.COMMIT);
  }

  @ParameterizedTest(name = "array on {0}")
  @ValueSource(strings = {"slurm"})
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
}
