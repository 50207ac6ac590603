package dev.cairn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.testing.FakeDatasets;
import dev.cairn.testing.Fixtures;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code agent.jar preflight}: exit 0 on good datasets, 2 with one line per problem. */
class PreflightCommandTest {
  @TempDir Path tmp;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int preflight(String extra) throws Exception {
    StringBuilder text =
        new StringBuilder("EXPERIMENT_NAME=p\nTRAINER=terratorch\nGEOFM=prithvi_eo_v1_100\n");
    for (String task : List.of("crop_classification", "landslide", "biomass")) {
      Path data = tmp.resolve("data").resolve(task);
      if (!Files.exists(data)) {
        FakeDatasets.write(task, data, 2);
      }
      String key = task.equals("crop_classification") ? "CROP" : task.toUpperCase();
      text.append(key).append("_DATASET_PATH=").append(data).append('\n');
    }
    Path config = Files.writeString(tmp.resolve("config.env"), text + extra);
    return Main.run(
        new String[] {
          "preflight",
          "--config",
          config.toString(),
          "--terratorch-version",
          "1.1",
          "--templates",
          Fixtures.projectDir().resolve("templates").toString()
        },
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @Test
  void goodDatasets_exit0() throws Exception {
    assertEquals(0, preflight(""), err.toString(StandardCharsets.UTF_8));
    assertTrue(
        out.toString(StandardCharsets.UTF_8)
            .contains("is good to go (TerraTorch 1.1; checked in "));
  }

  @Test
  void brokenDatasets_exit2_oneLinePerProblem() throws Exception {
    Path biomass = tmp.resolve("data/biomass");
    FakeDatasets.biomass(biomass, 2, 11);
    FakeDatasets.delete(biomass.resolve("val_labels"));
    FakeDatasets.landslide(tmp.resolve("data/landslide"), 2);
    FakeDatasets.delete(tmp.resolve("data/landslide/images/test"));
    assertEquals(2, preflight("LEARNING_RATE=1e-2\n"));
    List<String> lines = err.toString(StandardCharsets.UTF_8).strip().lines().toList();
    assertEquals(3, lines.size(), lines.toString());
    assertTrue(lines.get(0).startsWith("LEARNING_RATE=1e-2 is above 1e-3"), lines.get(0));
    assertTrue(
        lines.stream().anyMatch(l -> l.endsWith("the test split's folder images/test/ is missing")),
        lines.toString());
    assertTrue(
        lines.stream()
            .anyMatch(
                l ->
                    l.endsWith(
                        "val_labels/ holds 0 labels matching *.tif for 2 inputs in val_images/")),
        lines.toString());
  }
}
