package dev.cairn.plan.preflight;

import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * How each task's TerraTorch datamodule reads its dataset folder, as its source says (the contract
 * table {@code examples/terratorch/contract/datamodules.csv}: split folders, globs, split files,
 * file bands).
 */
final class Layouts {
  /**
   * One split the datamodule builds.
   *
   * @param images the folder of its inputs, relative to the dataset folder
   * @param labels the folder of its labels
   * @param splitFile a file the datamodule opens unconditionally, or null
   */
  record Split(
      String name,
      String images,
      String imageGlob,
      String labels,
      String labelGlob,
      @Nullable String splitFile) {}

  /**
   * @param bands the band count of one input file (0: not read, HDF5)
   * @param hdf5 whether the inputs are HDF5 files (checked by signature)
   * @param splitFiles whether the datamodule takes train_split/val_split/test_split files
   */
  record Layout(
      String datamodule, List<Split> splits, int bands, boolean hdf5, boolean splitFiles) {}

  static final Map<String, Layout> TASKS =
      Map.of(
          "crop_classification",
          new Layout(
              "MultiTemporalCropClassificationDataModule",
              List.of(
                  new Split(
                      "train",
                      "training_chips",
                      "*_merged.tif",
                      "training_chips",
                      "*.mask.tif",
                      "training_data.txt"),
                  new Split(
                      "val",
                      "validation_chips",
                      "*_merged.tif",
                      "validation_chips",
                      "*.mask.tif",
                      "validation_data.txt")),
              18, // 6 bands x 3 dates per *_merged.tif
              false,
              false),
          "landslide",
          new Layout(
              "Landslide4SenseNonGeoDataModule",
              List.of(
                  new Split(
                      "train",
                      "images/train",
                      "image_*.h5",
                      "annotations/train",
                      "mask_*.h5",
                      null),
                  new Split(
                      "val",
                      "images/validation",
                      "image_*.h5",
                      "annotations/validation",
                      "mask_*.h5",
                      null),
                  new Split(
                      "test", "images/test", "image_*.h5", "annotations/test", "mask_*.h5", null)),
              0,
              true,
              false),
          "biomass",
          new Layout(
              "GenericNonGeoPixelwiseRegressionDataModule",
              List.of(
                  new Split("train", "train_images", "*.tif", "train_labels", "*.tif", null),
                  new Split("val", "val_images", "*.tif", "val_labels", "*.tif", null),
                  new Split("test", "test_images", "*.tif", "test_labels", "*.tif", null)),
              11, // the dataset_bands of examples/terratorch/biomass.yaml
              false,
              true));

  private Layouts() {}
}
