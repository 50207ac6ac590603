package dev.cairn.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * Per-epoch metrics of a job: every {@code metrics.csv} under its output folder, in Lightning's
 * CSVLogger form ({@code epoch,step,train/loss,val/loss,val/...}, blank where not logged, a row per
 * logging step) or the demo trainer's ({@code epoch,train_loss,val_mIoU,...,seconds}).
 */
public final class Curves {
  private static final long MAX_BYTES = 16L << 20;
  private static final int MAX_DEPTH = 6;

  private Curves() {}

  /** The learning curve of the job that wrote {@code outputDir}; empty when it logged none. */
  public static List<EpochRow> read(Path outputDir) throws IOException {
    if (!Files.isDirectory(outputDir)) {
      return List.of();
    }
    List<Path> files;
    try (Stream<Path> walk = Files.walk(outputDir, MAX_DEPTH)) {
      files =
          walk.filter(p -> p.getFileName().toString().equals("metrics.csv"))
              .filter(Files::isRegularFile)
              .sorted()
              .toList();
    }
    List<EpochRow> merged = new ArrayList<>();
    for (Path file : files) {
      if (Files.size(file) > MAX_BYTES) {
        continue;
      }
      merged = merge(merged, parse(Files.readAllLines(file, StandardCharsets.UTF_8)));
    }
    return merged;
  }

  /**
   * Rows by epoch from the lines of one CSV file. Several rows of one epoch (one per logging step)
   * are averaged column by column; {@code test/...} columns, {@code step} and timings are left out.
   */
  public static List<EpochRow> parse(List<String> lines) {
    if (lines.isEmpty()) {
      return List.of();
    }
    String[] header = split(lines.get(0));
    int epochColumn = -1;
    String[] names = new String[header.length];
    for (int i = 0; i < header.length; i++) {
      String name = header[i].strip();
      if (name.equals("epoch")) {
        epochColumn = i;
      } else {
        names[i] = metricName(name);
      }
    }
    if (epochColumn < 0) {
      return List.of();
    }
    TreeMap<Integer, Map<String, double[]>> sums = new TreeMap<>();
    for (String line : lines.subList(1, lines.size())) {
      String[] cells = split(line);
      Integer epoch = epochColumn < cells.length ? epoch(cells[epochColumn]) : null;
      if (epoch == null) {
        continue;
      }
      Map<String, double[]> row = sums.computeIfAbsent(epoch, e -> new LinkedHashMap<>());
      for (int i = 0; i < Math.min(cells.length, names.length); i++) {
        Double value = names[i] == null ? null : number(cells[i]);
        if (value != null) {
          double[] acc = row.computeIfAbsent(names[i], k -> new double[2]);
          acc[0] += value;
          acc[1] += 1;
        }
      }
    }
    List<EpochRow> rows = new ArrayList<>();
    sums.forEach(
        (epoch, row) -> {
          if (!row.isEmpty()) {
            Map<String, Double> values = new LinkedHashMap<>();
            row.forEach((k, acc) -> values.put(k, acc[0] / acc[1]));
            rows.add(new EpochRow(epoch, values));
          }
        });
    return rows;
  }

  /**
   * The curve's name for a column: Lightning's names as they are ({@code val/mIoU}), the demo
   * trainer's {@code val_mIoU} as {@code val/mIoU}; null for what is not a per-epoch metric.
   */
  static @Nullable String metricName(String column) {
    if (column.isEmpty()
        || column.equals("step")
        || column.equals("seconds")
        || column.startsWith("test")) {
      return null;
    }
    if (!column.contains("/")) {
      for (String stage : new String[] {"train", "val"}) {
        if (column.startsWith(stage + "_") && column.length() > stage.length() + 1) {
          return stage + "/" + column.substring(stage.length() + 1);
        }
      }
    }
    return column;
  }

  /** The curve's value column that tracks a test metric: {@code val/mIoU} for {@code test/mIoU}. */
  public static @Nullable String validationOf(@Nullable String testMetric, List<EpochRow> curve) {
    String name =
        testMetric == null ? null : "val/" + testMetric.substring(testMetric.indexOf('/') + 1);
    if (name != null && curve.stream().anyMatch(r -> r.values().containsKey(name))) {
      return name;
    }
    return curve.stream()
        .flatMap(r -> r.values().keySet().stream())
        .filter(k -> k.startsWith("val/") && !k.equals("val/loss"))
        .findFirst()
        .orElse(null);
  }

  private static List<EpochRow> merge(List<EpochRow> a, List<EpochRow> b) {
    if (a.isEmpty()) {
      return b;
    }
    TreeMap<Integer, Map<String, Double>> byEpoch = new TreeMap<>();
    for (List<EpochRow> rows : List.of(a, b)) {
      rows.forEach(
          r -> byEpoch.computeIfAbsent(r.epoch(), e -> new LinkedHashMap<>()).putAll(r.values()));
    }
    List<EpochRow> result = new ArrayList<>();
    byEpoch.forEach((e, v) -> result.add(new EpochRow(e, v)));
    return result;
  }

  private static String[] split(String line) {
    String[] cells = line.split(",", -1);
    for (int i = 0; i < cells.length; i++) {
      String c = cells[i].strip();
      cells[i] =
          c.length() >= 2 && c.startsWith("\"") && c.endsWith("\"")
              ? c.substring(1, c.length() - 1)
              : c;
    }
    return cells;
  }

  private static @Nullable Integer epoch(String cell) {
    Double d = number(cell);
    return d == null || d < 0 || d != Math.rint(d) ? null : d.intValue();
  }

  private static @Nullable Double number(String cell) {
    if (cell.isBlank()) {
      return null;
    }
    try {
      double d = Double.parseDouble(cell.strip());
      return Double.isFinite(d) ? d : null;
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
