package dev.cairn.plan.preflight;

import dev.cairn.config.ExperimentConfig;
import dev.cairn.config.TaskDefinition;
import dev.cairn.terratorch.ModelCatalogue;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What can be checked on the login node before a GPU-hour is spent: each dataset folder has the
 * layout its TerraTorch datamodule reads (split folders, files matching the globs, split files, the
 * band count of one sample tile), the backbone weights are in the Hugging Face cache when the site
 * runs offline ({@code HF_HUB_OFFLINE}), and the learning rate suits the trainer. One line per
 * problem; none when the run is good to go.
 */
public final class Preflight {
  /** The highest learning rate that is sane for fine-tuning a ViT backbone with AdamW. */
  static final BigDecimal TERRATORCH_MAX_LR = new BigDecimal("1e-3");

  static final BigDecimal TERRATORCH_MIN_LR = new BigDecimal("1e-7");
  static final BigDecimal DEMO_MAX_LR = new BigDecimal("0.1");

  private final Map<String, String> env;
  private final String version;

  /**
   * @param env the environment the jobs share with this process ({@code HF_HUB_OFFLINE}, {@code
   *     HF_HOME}, {@code HF_HUB_CACHE}, {@code HOME})
   * @param version the site's TerraTorch version ({@code CAIRN_TERRATORCH_VERSION})
   */
  public Preflight(Map<String, String> env, String version) {
    this.env = env;
    this.version = version;
  }

  /** Every problem found, one line each; empty when the run may go. */
  public List<String> check(ExperimentConfig config) {
    List<String> problems = new ArrayList<>();
    learningRates(config, problems);
    if (!"terratorch".equals(config.trainer())) {
      return problems;
    }
    for (TaskDefinition task : config.tasks()) {
      Layouts.Layout layout = Layouts.TASKS.get(task.name());
      String path = config.datasetPaths().get(task.name());
      if (layout == null) {
        continue;
      }
      if (path == null) {
        problems.add(task.datasetKey() + " is not set; " + task.name() + " needs its dataset");
      } else {
        dataset(task, path, layout, splits(config), problems);
      }
    }
    for (String model : config.sweep().getOrDefault("GEOFM", List.of())) {
      weights(ModelCatalogue.bundled().get(model), problems);
    }
    return problems;
  }

  private static List<String> splits(ExperimentConfig config) {
    String v = config.values().getOrDefault("SPLITS", "");
    return v == null || v.isBlank() ? List.of() : Arrays.asList(v.strip().split("\\s*,\\s*"));
  }

  private static void learningRates(ExperimentConfig config, List<String> problems) {
    boolean terratorch = "terratorch".equals(config.trainer());
    for (String v : config.sweep().getOrDefault("LEARNING_RATE", List.of())) {
      if (v.isBlank()) {
        continue;
      }
      BigDecimal lr = new BigDecimal(v);
      if (terratorch && lr.compareTo(TERRATORCH_MAX_LR) > 0) {
        problems.add(
            "LEARNING_RATE="
                + v
                + " is above 1e-3, too high for fine-tuning a pretrained ViT with AdamW under"
                + " TRAINER=terratorch (the task configs use 1e-4); lower it, or leave it unset"
                + " for the task config's own");
      } else if (terratorch && lr.compareTo(TERRATORCH_MIN_LR) < 0) {
        problems.add(
            "LEARNING_RATE="
                + v
                + " is below 1e-7: the backbone would barely change under TRAINER=terratorch;"
                + " raise it, or leave it unset for the task config's 1e-4");
      } else if (!terratorch && lr.compareTo(DEMO_MAX_LR) > 0) {
        problems.add(
            "LEARNING_RATE="
                + v
                + " is above 0.1, more than the demo trainer's Adam takes without diverging;"
                + " lower it, or leave it unset for the demo's own 5e-3");
      }
    }
  }

  static void dataset(
      TaskDefinition task,
      String path,
      Layouts.Layout layout,
      List<String> splits,
      List<String> problems) {
    String key = task.datasetKey() + "=" + path;
    Path root = Path.of(path);
    if (!Files.isDirectory(root)) {
      problems.add(key + ": no such folder; " + task.name() + " needs its dataset there");
      return;
    }
    boolean sampled = false;
    for (Layouts.Split split : layout.splits()) {
      Path images = root.resolve(split.images());
      Path labels = root.resolve(split.labels());
      if (!Files.isDirectory(images)) {
        problems.add(
            key + ": the " + split.name() + " split's folder " + split.images() + "/ is missing");
        continue;
      }
      List<Path> found = matching(images, split.imageGlob());
      if (found.isEmpty()) {
        problems.add(key + ": " + split.images() + "/ holds no file matching " + split.imageGlob());
        continue;
      }
      int labelCount = Files.isDirectory(labels) ? matching(labels, split.labelGlob()).size() : 0;
      if (labelCount != found.size()) {
        problems.add(
            key
                + ": "
                + split.labels()
                + "/ holds "
                + labelCount
                + " labels matching "
                + split.labelGlob()
                + " for "
                + found.size()
                + " inputs in "
                + split.images()
                + "/");
      }
      if (split.splitFile() != null && !Files.isRegularFile(root.resolve(split.splitFile()))) {
        problems.add(
            key
                + ": the split file "
                + split.splitFile()
                + " is missing ("
                + layout.datamodule()
                + " opens it for the "
                + split.name()
                + " split)");
      }
      if (!sampled) {
        sampled = true;
        sample(key, root, found.get(0), layout, problems);
      }
    }
    for (String name : splits) {
      if (!layout.splitFiles()) {
        problems.add(
            "SPLITS="
                + name
                + ": "
                + task.name()
                + "'s datamodule ("
                + layout.datamodule()
                + ") takes no split files; SPLITS is not supported for "
                + task.name());
        continue;
      }
      for (String file : List.of("train.txt", "val.txt")) {
        if (!Files.isRegularFile(root.resolve("splits").resolve(name).resolve(file))) {
          problems.add(key + ": SPLITS=" + name + " needs splits/" + name + "/" + file);
        }
      }
    }
  }

  private static void sample(
      String key, Path root, Path file, Layouts.Layout layout, List<String> problems) {
    String name = root.relativize(file).toString();
    if (layout.hdf5()) {
      byte[] head = new byte[8];
      try (InputStream in = Files.newInputStream(file)) {
        int n = in.readNBytes(head, 0, 8);
        if (n < 8 || !Arrays.equals(head, HDF5)) {
          problems.add(key + ": " + name + " is not an HDF5 file (no HDF5 signature)");
        }
      } catch (IOException e) {
        problems.add(key + ": " + name + " is unreadable: " + e.getMessage());
      }
      return;
    }
    try {
      int bands = TiffBands.of(file);
      if (bands != layout.bands()) {
        problems.add(
            key
                + ": "
                + name
                + " has "
                + bands
                + " bands; the "
                + layout.datamodule()
                + " config reads "
                + layout.bands());
      }
    } catch (IOException e) {
      problems.add(key + ": " + name + " is not a readable GeoTIFF: " + e.getMessage());
    }
  }

  private static final byte[] HDF5 = {(byte) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};

  /** The files of a folder whose names match a glob, sorted (one listing, no recursion). */
  private static List<Path> matching(Path dir, String glob) {
    PathMatcher m = FileSystems.getDefault().getPathMatcher("glob:" + glob);
    List<Path> result = new ArrayList<>();
    try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
      for (Path p : s) {
        if (m.matches(p.getFileName())) {
          result.add(p);
        }
      }
    } catch (IOException e) {
      return List.of();
    }
    result.sort(null);
    return result;
  }

  private void weights(ModelCatalogue.Model model, List<String> problems) {
    if (!model.in(version)) {
      problems.add(
          "GEOFM="
              + model.name()
              + " is not registered in TerraTorch "
              + version
              + " (CAIRN_TERRATORCH_VERSION); it is in "
              + String.join(", ", model.versions()));
    }
    if (!offline() || model.hfRepo().isBlank()) {
      return;
    }
    Path cache = cache();
    Path snapshots =
        cache.resolve("models--" + model.hfRepo().replace("/", "--")).resolve("snapshots");
    boolean found = false;
    if (Files.isDirectory(snapshots)) {
      try (DirectoryStream<Path> s = Files.newDirectoryStream(snapshots)) {
        for (Path rev : s) {
          found |= Files.isRegularFile(rev.resolve(model.hfFile()));
        }
      } catch (IOException e) {
        found = false;
      }
    }
    if (!found) {
      problems.add(
          "GEOFM="
              + model.name()
              + ": HF_HUB_OFFLINE is set but "
              + snapshots
              + "/<revision>/"
              + model.hfFile()
              + " is missing; fill the cache on a node with internet: huggingface-cli download "
              + model.hfRepo()
              + " "
              + model.hfFile());
    }
  }

  private boolean offline() {
    String v = env.getOrDefault("HF_HUB_OFFLINE", "").strip().toUpperCase(Locale.ROOT);
    return List.of("1", "ON", "YES", "TRUE").contains(v);
  }

  /** {@code HF_HUB_CACHE}, else {@code $HF_HOME/hub}, else {@code ~/.cache/huggingface/hub}. */
  private Path cache() {
    String hub = env.get("HF_HUB_CACHE");
    if (hub != null && !hub.isBlank()) {
      return Path.of(hub);
    }
    String home = env.get("HF_HOME");
    if (home != null && !home.isBlank()) {
      return Path.of(home, "hub");
    }
    String user = env.getOrDefault("HOME", System.getProperty("user.home"));
    return Path.of(user, ".cache", "huggingface", "hub");
  }
}
