package dev.cairn.plan.preflight;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.config.ExperimentConfig;
import dev.cairn.testing.FakeDatasets;
import dev.cairn.testing.Fixtures;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Preflight on good and broken datasets, weights for offline nodes and learning rates. */
class PreflightTest {
  @TempDir Path tmp;
  private Path crop;
  private Path landslide;
  private Path biomass;

  @BeforeEach
  void datasets() throws IOException {
    crop = FakeDatasets.crop(tmp.resolve("crop"), 3);
    landslide = FakeDatasets.landslide(tmp.resolve("landslide"), 3);
    biomass = FakeDatasets.biomass(tmp.resolve("biomass"), 3, 11);
  }

  private ExperimentConfig config(String extra) {
    return ExperimentConfig.parse(
        ("EXPERIMENT_NAME=p\n"
                + (extra.contains("TRAINER=") ? "" : "TRAINER=terratorch\n")
                + "GEOFM=prithvi_eo_v1_100\nCROP_DATASET_PATH="
                + crop
                + "\nLANDSLIDE_DATASET_PATH="
                + landslide
                + "\nBIOMASS_DATASET_PATH="
                + biomass
                + "\n"
                + extra)
            .getBytes(StandardCharsets.UTF_8),
        "config.env",
        Fixtures.tasks());
  }

  private static List<String> check(ExperimentConfig cfg, Map<String, String> env) {
    return new Preflight(env, "1.1").check(cfg);
  }

  @Test
  void goodDatasets_online_passWithoutAProblem() {
    assertEquals(List.of(), check(config(""), Map.of()));
  }

  @Test
  void missingSplit_isNamed() throws IOException {
    FakeDatasets.delete(landslide.resolve("images/validation"));
    assertEquals(
        List.of(
            "LANDSLIDE_DATASET_PATH="
                + landslide
                + ": the val split's folder images/validation/ is missing"),
        check(config(""), Map.of()));
  }

  @Test
  void wrongBandCount_isNamedWithTheFileAndBothCounts() throws IOException {
    FakeDatasets.biomass(biomass, 3, 6);
    assertEquals(
        List.of(
            "BIOMASS_DATASET_PATH="
                + biomass
                + ": train_images/tile_0.tif has 6 bands; the"
                + " GenericNonGeoPixelwiseRegressionDataModule config reads 11"),
        check(config(""), Map.of()));
  }

  @Test
  void emptyGlob_andAMissingSplitFile_areNamedOneLineEach() throws IOException {
    try (var s = Files.list(crop.resolve("training_chips"))) {
      for (Path p : s.filter(f -> f.toString().endsWith("_merged.tif")).toList()) {
        Files.move(p, p.resolveSibling(p.getFileName() + ".bak"));
      }
    }
    Files.delete(crop.resolve("validation_data.txt"));
    assertEquals(
        List.of(
            "CROP_DATASET_PATH=" + crop + ": training_chips/ holds no file matching *_merged.tif",
            "CROP_DATASET_PATH="
                + crop
                + ": the split file validation_data.txt is missing"
                + " (MultiTemporalCropClassificationDataModule opens it for the val split)"),
        check(config(""), Map.of()));
  }

  @Test
  void missingWeightsOffline_isNamedWithHowToFillTheCache() throws IOException {
    Map<String, String> env =
        Map.of("HF_HUB_OFFLINE", "1", "HF_HOME", tmp.resolve("hf").toString());
    Path hub = tmp.resolve("hf/hub/models--ibm-nasa-geospatial--Prithvi-EO-1.0-100M/snapshots");
    assertEquals(
        List.of(
            "GEOFM=prithvi_eo_v1_100: HF_HUB_OFFLINE is set but "
                + hub
                + "/<revision>/Prithvi_EO_V1_100M.pt is missing; fill the cache on a node with"
                + " internet: huggingface-cli download ibm-nasa-geospatial/Prithvi-EO-1.0-100M"
                + " Prithvi_EO_V1_100M.pt"),
        check(config(""), env));
    Files.createDirectories(hub.resolve("0123abc"));
    Files.writeString(hub.resolve("0123abc/Prithvi_EO_V1_100M.pt"), "weights");
    assertEquals(List.of(), check(config(""), env));
  }

  @Test
  void notAnHdf5File_andLabelsMissing_areNamed() throws IOException {
    Files.writeString(landslide.resolve("images/train/image_1.h5"), "not hdf5");
    Files.delete(landslide.resolve("annotations/test/mask_2.h5"));
    assertEquals(
        List.of(
            "LANDSLIDE_DATASET_PATH="
                + landslide
                + ": images/train/image_1.h5 is not an HDF5 file (no HDF5 signature)",
            "LANDSLIDE_DATASET_PATH="
                + landslide
                + ": annotations/test/ holds 2 labels matching mask_*.h5 for 3 inputs in"
                + " images/test/"),
        check(config(""), Map.of()));
  }

  @Test
  void learningRate_isCheckedForItsTrainer() {
    assertEquals(
        List.of(
            "LEARNING_RATE=5e-3 is above 1e-3, too high for fine-tuning a pretrained ViT with"
                + " AdamW under TRAINER=terratorch (the task configs use 1e-4); lower it, or leave"
                + " it unset for the task config's own"),
        check(config("LEARNING_RATE=5e-3\n"), Map.of()));
    assertEquals(List.of(), check(config("TRAINER=demo\nLEARNING_RATE=5e-3\n"), Map.of()));
    assertEquals(List.of(), check(config("LEARNING_RATE=1e-4,3e-4\n"), Map.of()));
  }

  @Test
  void demo_checksNoDataset() throws IOException {
    FakeDatasets.delete(crop);
    assertEquals(List.of(), check(config("TRAINER=demo\n"), Map.of()));
  }

  @Test
  void splits_needTheirFileLists_andAreRefusedWhereTheDatamoduleTakesNone() throws IOException {
    ExperimentConfig cfg = config("");
    List<String> problems = new java.util.ArrayList<>();
    for (var task : cfg.tasks()) {
      Preflight.dataset(
          task,
          cfg.datasetPaths().get(task.name()),
          Layouts.TASKS.get(task.name()),
          List.of("fold1"),
          problems);
    }
    assertTrue(
        problems.contains(
            "SPLITS=fold1: crop_classification's datamodule"
                + " (MultiTemporalCropClassificationDataModule) takes no split files; SPLITS is not"
                + " supported for crop_classification"),
        problems.toString());
    assertTrue(
        problems.contains(
            "BIOMASS_DATASET_PATH=" + biomass + ": SPLITS=fold1 needs splits/fold1/train.txt"),
        problems.toString());
    Files.createDirectories(biomass.resolve("splits/fold1"));
    Files.writeString(biomass.resolve("splits/fold1/train.txt"), "tile_0\n");
    Files.writeString(biomass.resolve("splits/fold1/val.txt"), "tile_1\n");
    List<String> again = new java.util.ArrayList<>();
    var bio =
        cfg.tasks().stream().filter(t -> t.name().equals("biomass")).findFirst().orElseThrow();
    Preflight.dataset(
        bio, biomass.toString(), Layouts.TASKS.get("biomass"), List.of("fold1"), again);
    assertEquals(List.of(), again);
  }
}
