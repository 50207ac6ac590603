package dev.cairn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.terratorch.ModelCatalogue;
import dev.cairn.testing.Fixtures;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code agent.jar render} with TRAINER=terratorch: the backbone's neck indices, and unknown
 * backbones.
 */
class RenderTerratorchTest {
  @TempDir Path tmp;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int render(String geofm) throws Exception {
    Path config = tmp.resolve("config.env");
    Files.writeString(
        config,
        "EXPERIMENT_NAME=r\nTRAINER=terratorch\nSCHEDULER=slurm\nGEOFM="
            + geofm
            + "\n"
            + "CROP_DATASET_PATH=/d/crop\n"
            + "LANDSLIDE_DATASET_PATH=/d/ls\n"
            + "BIOMASS_DATASET_PATH=/d/bm\n");
    return Main.run(
        new String[] {
          "render",
          "--scripts",
          "--config",
          config.toString(),
          "--templates",
          Fixtures.projectDir().resolve("templates").toString()
        },
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
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
  void render_printsTheBackbonesNeckIndicesForEachTask(String geofm) throws Exception {
    assertEquals(0, render(geofm), err.toString(StandardCharsets.UTF_8));
    String text = out.toString(StandardCharsets.UTF_8);
    String indices = ModelCatalogue.bundled().get(geofm).neckIndicesText();
    assertEquals(
        3, text.lines().filter(l -> l.equals("          indices: " + indices)).count(), text);
    assertEquals(
        3,
        text.lines()
            .filter(l -> l.equals("  --model.init_args.model_args.backbone " + geofm))
            .count());
  }

  @Test
  void render_rejectsABackboneOutsideTheCatalogue() throws Exception {
    assertEquals(2, render("prithvi_eo_v3_300"));
    String message = err.toString(StandardCharsets.UTF_8);
    assertEquals(1, message.strip().lines().count(), message);
    assertTrue(
        message.contains(
            "GEOFM='prithvi_eo_v3_300' is not allowed: use a backbone of the model catalogue "
                + "(examples/terratorch/models.csv)"),
        message);
    assertTrue(message.contains("did you mean prithvi_eo_v2_300?"), message);
  }
}
