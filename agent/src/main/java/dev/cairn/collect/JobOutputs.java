package dev.cairn.collect;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.Json;
import dev.cairn.terratorch.LightningLogs;
import dev.cairn.terratorch.TerratorchMetrics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * What a finished job left in its output folder: test metrics (the demo trainer's {@code
 * metrics.json}, or the {@code test/...} columns of a Lightning {@code metrics.csv}), the
 * prediction images, and the workload's own resource figures.
 */
public final class JobOutputs {
  private JobOutputs() {}

  /**
   * Numeric test metrics by name ({@code test/mIoU}), empty when the job wrote none. Names that
   * TerraTorch 1.0 logs come back as their 1.1 aliases ({@code test/Multiclass_Jaccard_Index} as
   * {@code test/mIoU}), the names quality gates use.
   */
  public static Map<String, Double> metrics(Path outputDir) throws IOException {
    return TerratorchMetrics.bundled().canonicalize(rawMetrics(outputDir));
  }

  private static Map<String, Double> rawMetrics(Path outputDir) throws IOException {
    Path json = outputDir.resolve("metrics.json");
    if (Files.isRegularFile(json)) {
      Map<String, Double> result = new LinkedHashMap<>();
      JsonNode root = Json.MAPPER.readTree(json.toFile());
      for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (e.getValue().isNumber() && e.getKey().startsWith("test/")) {
          result.put(e.getKey(), e.getValue().asDouble());
        }
      }
      return result;
    }
    return LightningLogs.testMetrics(outputDir);
  }

  /** A figure the workload measured itself, such as {@code peak_rss_mb}; null when absent. */
  public static @Nullable Double workloadFigure(Path outputDir, String name) throws IOException {
    Path json = outputDir.resolve("metrics.json");
    if (!Files.isRegularFile(json)) {
      return null;
    }
    JsonNode node = Json.MAPPER.readTree(json.toFile()).get(name);
    return node != null && node.isNumber() ? node.asDouble() : null;
  }

  /** Resource usage the job script measured itself ({@code usage.json}). */
  public record Usage(
      Long elapsedS,
      Long cpuS,
      @Nullable Long maxRssMb,
      long gpuSamples,
      Long gpuUtilMean,
      Long gpuMemMaxMb) {}

  /** The job's own measurements, or null when it wrote none. */
  public static @Nullable Usage usage(Path outputDir) throws IOException {
    Path json = outputDir.resolve("usage.json");
    if (!Files.isRegularFile(json)) {
      return null;
    }
    JsonNode n = Json.MAPPER.readTree(json.toFile());
    return new Usage(
        n.path("elapsed_s").asLong(),
        n.path("cpu_s").asLong(),
        n.path("max_rss_mb").asLong() > 0 ? n.path("max_rss_mb").asLong() : null,
        n.path("gpu_samples").asLong(),
        n.path("gpu_util_mean").asLong(),
        n.path("gpu_mem_max_mb").asLong());
  }

  /**
   * What the job wrote for the report beside its metrics ({@code notes.txt}: a missing plot and
   * why, a caveat of the task's data), one line each; empty when there are none.
   */
  public static List<String> notes(Path outputDir) throws IOException {
    Path file = outputDir.resolve("notes.txt");
    if (!Files.isRegularFile(file)) {
      return List.of();
    }
    return Files.readAllLines(file).stream()
        .map(l -> l.replaceAll("\\p{Cntrl}", "?").strip())
        .filter(l -> !l.isEmpty())
        .limit(20)
        .toList();
  }

  /**
   * The last {@code lines} lines of a text file (an err file), or null when it is empty or absent.
   */
  public static @Nullable String tail(Path file, int lines) {
    try {
      if (!Files.isRegularFile(file)) {
        return null;
      }
      List<String> all = Files.readAllLines(file, java.nio.charset.StandardCharsets.UTF_8);
      if (all.isEmpty()) {
        return null;
      }
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException | java.io.UncheckedIOException e) {
      return null;
    }
  }

  /** Prediction images under the folder, relative paths in order. */
  public static List<String> images(Path outputDir) throws IOException {
    List<String> result = new ArrayList<>();
    if (!Files.isDirectory(outputDir)) {
      return result;
    }
    try (Stream<Path> files = Files.walk(outputDir)) {
      files
          .filter(p -> p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".png"))
          .map(p -> outputDir.relativize(p).toString().replace('\\', '/'))
          .sorted()
          .forEach(result::add);
    }
    return result;
  }
}
