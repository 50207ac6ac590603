package dev.cairn.terratorch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The test metrics a TerraTorch job logs through Lightning's CSVLogger, read from its output folder
 * for the collector.
 */
public final class LightningLogs {
  private LightningLogs() {}

  /**
   * The last value of every {@code test/...} column of the newest Lightning CSV log that has any
   * ({@code <save_dir>/<name>/version_<n>/metrics.csv}): a resumed fit writes a new version folder
   * without test columns, so the newest file is not always the test's.
   */
  public static Map<String, Double> testMetrics(Path outputDir) throws IOException {
    Map<String, Double> result = new LinkedHashMap<>();
    if (!Files.isDirectory(outputDir)) {
      return result;
    }
    List<Path> csvs;
    try (Stream<Path> files = Files.walk(outputDir)) {
      csvs =
          files
              .filter(p -> p.getFileName().toString().equals("metrics.csv"))
              .sorted((a, b) -> Long.compare(b.toFile().lastModified(), a.toFile().lastModified()))
              .toList();
    }
    for (Path csv : csvs) {
      Map<String, Double> found = testColumns(Files.readAllLines(csv));
      if (!found.isEmpty()) {
        return found;
      }
    }
    return result;
  }

  private static Map<String, Double> testColumns(List<String> lines) {
    Map<String, Double> result = new LinkedHashMap<>();
    if (lines.isEmpty()) {
      return result;
    }
    String[] header = lines.get(0).split(",", -1);
    for (String line : lines.subList(1, lines.size())) {
      String[] cells = line.split(",", -1);
      for (int i = 0; i < Math.min(header.length, cells.length); i++) {
        if (header[i].startsWith("test/") && !cells[i].isBlank()) {
          try {
            result.put(header[i], Double.parseDouble(cells[i]));
          } catch (NumberFormatException e) {
            // not a number: not a metric
          }
        }
      }
    }
    return result;
  }
}
