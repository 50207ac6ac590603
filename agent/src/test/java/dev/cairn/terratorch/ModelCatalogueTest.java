package dev.cairn.terratorch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.CairnException;
import dev.cairn.config.ConfigError;
import dev.cairn.config.ExperimentConfig;
import dev.cairn.testing.Fixtures;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ModelCatalogueTest {
  private static ExperimentConfig parse(String text) {
    return ExperimentConfig.parse(
        text.getBytes(StandardCharsets.UTF_8), "config.env", Fixtures.tasks());
  }

  @Test
  void bundled_namesEachBackbonesNeckIndicesByItsDepth() {
    ModelCatalogue c = ModelCatalogue.bundled();
    assertEquals(List.of(2, 5, 8, 11), c.get("prithvi_eo_v1_100").neckIndices());
    assertEquals(List.of(5, 11, 17, 23), c.get("prithvi_eo_v2_300").neckIndices());
    assertEquals(List.of(5, 11, 17, 23), c.get("prithvi_eo_v2_300_tl").neckIndices());
    assertEquals(List.of(7, 15, 23, 31), c.get("prithvi_eo_v2_600").neckIndices());
    assertEquals(List.of(7, 15, 23, 31), c.get("prithvi_eo_v2_600_tl").neckIndices());
    assertEquals(12, c.get("prithvi_eo_v1_100").blocks());
    assertEquals(24, c.get("prithvi_eo_v2_300").blocks());
    assertEquals(32, c.get("prithvi_eo_v2_600").blocks());
    assertEquals("[7, 15, 23, 31]", c.get("prithvi_eo_v2_600").neckIndicesText());
    for (String name : c.names()) {
      ModelCatalogue.Model m = c.get(name);
      assertEquals(
          m.blocks() - 1, m.neckIndices().get(3), name + ": the neck ends with the last block");
    }
  }

  @Test
  void parse_rejectsIndicesBeyondTheBlocks() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                ModelCatalogue.parse(
                    "name,blocks,neck_indices,memory\nm,12,5 11 17 23,16G\n", "models.csv"));
    assertTrue(e.getMessage().contains("m has neck indices [5, 11, 17, 23]"), e.getMessage());
  }

  @Test
  void parse_namesAMissingColumn() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> ModelCatalogue.parse("name,blocks,neck_indices\nm,12,2 5 8 11\n", "models.csv"));
    assertTrue(e.getMessage().contains("models.csv has no column 'memory'"), e.getMessage());
  }

  @Test
  void geofm_outsideTheCatalogueIsRejectedNamingItAndTheNearestName() {
    ConfigError e =
        assertThrows(
            ConfigError.class,
            () -> parse("EXPERIMENT_NAME=x\nTRAINER=demo\nGEOFM=prithvi_eo_v2_30\n"));
    assertTrue(
        e.getMessage()
            .contains(
                "GEOFM='prithvi_eo_v2_30' is not allowed: use a backbone of the model catalogue "
                    + "(examples/terratorch/models.csv): prithvi_eo_v1_100"),
        e.getMessage());
    assertTrue(e.getMessage().contains("did you mean prithvi_eo_v2_300?"), e.getMessage());
  }

  @Test
  void geofm_acceptsTheTemporalLocationVariants() {
    assertEquals(
        "prithvi_eo_v2_600_tl",
        parse("EXPERIMENT_NAME=x\nTRAINER=demo\nGEOFM=prithvi_eo_v2_600_tl\n").model());
  }

  @Test
  void get_unknownNameSaysWhatTheCatalogueHolds() {
    CairnException e =
        assertThrows(CairnException.class, () -> ModelCatalogue.bundled().get("resnet50"));
    assertTrue(
        e.getMessage()
            .startsWith("GEOFM=resnet50 is not in the model catalogue: use a backbone of"),
        e.getMessage());
  }
}
