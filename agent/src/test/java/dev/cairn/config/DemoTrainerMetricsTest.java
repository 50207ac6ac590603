package dev.cairn.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.early.CsvProgress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The validation metrics the config accepts as {@code EARLY_STOP_METRIC} with {@code TRAINER=demo}
 * are the ones the real demo trainer logs: its {@code metrics.csv}, read as early stopping reads
 * it, holds a value of each after every epoch.
 */
class DemoTrainerMetricsTest {
  @TempDir Path dir;

  @ParameterizedTest
  @CsvSource({"landslide, segmentation", "biomass, regression"})
  void everyMetricTheConfigAcceptsForTheDemoTrainer_isInItsLogAfterEachEpoch(
      String task, String kind) throws Exception {
    Path out = dir.resolve("out");
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.cairn.demo.Main"));
    cmd.addAll(List.of("--task", task, "--output-dir", out.toString()));
    cmd.addAll(List.of("--checkpoint-dir", dir.resolve("ckpt").toString()));
    cmd.addAll(List.of("--epochs", "3", "--tiles", "8", "--num-workers", "1"));
    Process p =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("log").toFile())
            .start();
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the demo trainer did not end in 120 s");
    assertEquals(0, p.exitValue(), Files.readString(dir.resolve("log")));
    CsvProgress progress = new CsvProgress();
    for (String metric : EarlyStopKeys.DEMO.get(kind)) {
      SortedMap<Integer, Double> values = progress.read(out, metric);
      assertEquals(List.of(1, 2, 3), List.copyOf(values.keySet()), metric + ": " + values);
      assertTrue(values.values().stream().allMatch(Double::isFinite), metric + ": " + values);
    }
    assertEquals(Map.of(), progress.read(out, "val/Boundary_mIoU"));
  }
}
