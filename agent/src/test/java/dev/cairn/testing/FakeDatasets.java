package dev.cairn.testing;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Small datasets laid out as each TerraTorch datamodule reads them (the contract's {@code
 * datamodules.csv}): uncompressed baseline TIFFs with the right band count, and files with the HDF5
 * signature for Landslide4Sense. The pixels are zeros: what is checked is the layout, the names,
 * the counts and the header.
 */
public final class FakeDatasets {
  /** The first bytes of every HDF5 file (its superblock signature). */
  public static final byte[] HDF5_SIGNATURE = {(byte) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};

  private FakeDatasets() {}

  /** Writes the dataset of a task under {@code root}, {@code tiles} samples per split. */
  public static Path write(String task, Path root, int tiles) throws IOException {
    return switch (task) {
      case "crop_classification" -> crop(root, tiles);
      case "landslide" -> landslide(root, tiles);
      case "biomass" -> biomass(root, tiles, 11);
      default -> throw new IllegalArgumentException(task);
    };
  }

  /** {@code training_chips/}, {@code validation_chips/} and their split files; 18-band chips. */
  public static Path crop(Path root, int tiles) throws IOException {
    for (String split : List.of("training", "validation")) {
      Path dir = Files.createDirectories(root.resolve(split + "_chips"));
      List<String> names = new ArrayList<>();
      for (int i = 0; i < tiles; i++) {
        String chip = String.format("chip_%03d_%03d", i / 100, i % 100);
        tiff(dir.resolve(chip + "_merged.tif"), 18, 1);
        tiff(dir.resolve(chip + ".mask.tif"), 1, 1);
        names.add(chip);
      }
      Files.write(root.resolve(split + "_data.txt"), names);
    }
    return root;
  }

  /** {@code images/<split>/image_<n>.h5} and {@code annotations/<split>/mask_<n>.h5}. */
  public static Path landslide(Path root, int tiles) throws IOException {
    for (String split : List.of("train", "validation", "test")) {
      Path images = Files.createDirectories(root.resolve("images").resolve(split));
      Path masks = Files.createDirectories(root.resolve("annotations").resolve(split));
      for (int i = 1; i <= tiles; i++) {
        Files.write(images.resolve("image_" + i + ".h5"), HDF5_SIGNATURE);
        Files.write(masks.resolve("mask_" + i + ".h5"), HDF5_SIGNATURE);
      }
    }
    return root;
  }

  /** {@code <split>_images/} and {@code <split>_labels/} of {@code bands}-band tiles. */
  public static Path biomass(Path root, int tiles, int bands) throws IOException {
    for (String split : List.of("train", "val", "test")) {
      Path images = Files.createDirectories(root.resolve(split + "_images"));
      Path labels = Files.createDirectories(root.resolve(split + "_labels"));
      for (int i = 0; i < tiles; i++) {
        tiff(images.resolve("tile_" + i + ".tif"), bands, 2);
        tiff(labels.resolve("tile_" + i + ".tif"), 1, 2);
      }
    }
    return root;
  }

  /**
   * A little-endian baseline TIFF of 2 x 2 pixels, {@code bands} interleaved 16-bit samples each
   * ({@code bytes} 1 for 8-bit), minisblack with the other bands as unspecified extra samples.
   */
  public static void tiff(Path file, int bands, int bytes) throws IOException {
    int width = 2;
    int height = 2;
    int bits = bytes * 8;
    int pixels = width * height * bands * bytes;
    int entries = bands > 1 ? 11 : 10;
    int ifd = 8;
    int extra = ifd + 2 + entries * 12 + 4;
    int bitsAt = extra;
    int extraSamplesAt = bitsAt + (bands > 2 ? bands * 2 : 0);
    int dataAt = extraSamplesAt + (bands > 3 ? (bands - 1) * 2 : 0);
    ByteBuffer b = ByteBuffer.allocate(dataAt + pixels).order(ByteOrder.LITTLE_ENDIAN);
    b.put((byte) 'I').put((byte) 'I').putShort((short) 42).putInt(ifd);
    b.putShort((short) entries);
    entry(b, 256, 3, 1, width);
    entry(b, 257, 3, 1, height);
    if (bands == 1) {
      entry(b, 258, 3, 1, bits);
    } else if (bands == 2) {
      b.putShort((short) 258).putShort((short) 3).putInt(2).putShort((short) bits);
      b.putShort((short) bits);
    } else {
      entry(b, 258, 3, bands, bitsAt);
    }
    entry(b, 259, 3, 1, 1);
    entry(b, 262, 3, 1, 1);
    entry(b, 273, 4, 1, dataAt);
    entry(b, 277, 3, 1, bands);
    entry(b, 278, 3, 1, height);
    entry(b, 279, 4, 1, pixels);
    entry(b, 284, 3, 1, 1);
    if (bands > 1) {
      if (bands - 1 <= 2) {
        b.putShort((short) 338).putShort((short) 3).putInt(bands - 1).putInt(0);
      } else {
        entry(b, 338, 3, bands - 1, extraSamplesAt);
      }
    }
    b.putInt(0);
    if (bands > 2) {
      for (int i = 0; i < bands; i++) {
        b.putShort((short) bits);
      }
    }
    if (bands > 3) {
      for (int i = 0; i < bands - 1; i++) {
        b.putShort((short) 0);
      }
    }
    Files.write(file, b.array());
  }

  /** Deletes a folder and everything in it. */
  public static void delete(Path dir) throws IOException {
    try (var s = Files.walk(dir)) {
      for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  private static void entry(ByteBuffer b, int tag, int type, int count, int value) {
    b.putShort((short) tag).putShort((short) type).putInt(count);
    if (type == 3 && count == 1) {
      b.putShort((short) value).putShort((short) 0);
    } else {
      b.putInt(value);
    }
  }
}
