package dev.cairn.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.testing.Fixtures;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** README's promise: a config of the original pipeline's keys works as is. */
class OriginalConfigTest {

  /** The keys README names as the original pipeline's, in the order it names them. */
  private static List<String> readmeKeys() throws Exception {
    String readme = Files.readString(Fixtures.projectDir().resolve("README.md"));
    Matcher m =
        Pattern.compile(
                "The keys of the\\s+original pipeline keep their names and meaning \\(([^)]*)\\)")
            .matcher(readme);
    assertTrue(m.find(), "README names the original pipeline's keys");
    return Pattern.compile("`([A-Z_]+)`")
        .matcher(m.group(1))
        .results()
        .map(r -> r.group(1))
        .toList();
  }

  @Test
  void configOfTheOriginalKeysOnly_isValid_andNamedAfterTheModel() throws Exception {
    List<String> keys = readmeKeys();
    assertEquals(7, keys.size(), keys.toString());
    StringBuilder config = new StringBuilder();
    for (String key : keys) {
      config
          .append(key)
          .append('=')
          .append(
              switch (key) {
                case "GEOFM" -> "prithvi_eo_v1_100";
                case "EPOCHS" -> "50";
                case "NUM_WORKERS", "BATCH_SIZE" -> "4";
                default -> "/data/" + key.toLowerCase(java.util.Locale.ROOT);
              })
          .append('\n');
    }
    ExperimentConfig cfg =
        ExperimentConfig.parse(
            config.toString().getBytes(StandardCharsets.UTF_8), "config.env", Fixtures.tasks());
    assertEquals("prithvi-eo-v1-100", cfg.experimentName());
    assertEquals("prithvi_eo_v1_100", cfg.model());
    assertEquals(50, cfg.epochs());
    assertEquals("terratorch", cfg.trainer());
    assertEquals(3, cfg.tasks().size());
    assertEquals("/data/crop_dataset_path", cfg.datasetPaths().get("crop_classification"));
  }

  @Test
  void experimentName_isTheDefaultModelsWithoutGeofm() {
    ExperimentConfig cfg =
        ExperimentConfig.parse(
            "TRAINER=demo\n".getBytes(StandardCharsets.UTF_8), "config.env", Fixtures.tasks());
    assertEquals("prithvi-eo-v2-300", cfg.experimentName());
  }

  @Test
  void experimentName_givenStillWins() {
    ExperimentConfig cfg =
        ExperimentConfig.parse(
            "EXPERIMENT_NAME=mine\nTRAINER=demo\n".getBytes(StandardCharsets.UTF_8),
            "config.env",
            Fixtures.tasks());
    assertEquals("mine", cfg.experimentName());
  }
}
