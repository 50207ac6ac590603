package dev.cairn.bench;

import dev.cairn.early.CsvProgress;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What early stopping costs the loop per tick: every trial's Lightning {@code metrics.csv} read for
 * its validation metric, once by a reader that keeps its place ({@link CsvProgress}, what the agent
 * runs) and once by a fresh reader that parses each whole file, as a tick without memory would.
 * Between ticks each trial appends one epoch of rows. Run with {@code java -cp
 * agent/target/agent.jar dev.cairn.bench.ProgressBench [TRIALS] [EPOCHS] [ROWS_PER_EPOCH] [DIR]}.
 */
public final class ProgressBench {
  private static final String METRIC = "val/mIoU";

  private ProgressBench() {}

  public static void main(String[] args) throws IOException {
    int trials = args.length > 0 ? Integer.parseInt(args[0]) : 36;
    int epochs = args.length > 1 ? Integer.parseInt(args[1]) : 100;
    int rows = args.length > 2 ? Integer.parseInt(args[2]) : 50;
    Path dir = args.length > 3 ? Path.of(args[3]) : Files.createTempDirectory("cairn-bench-csv");
    run(dir, trials, epochs, rows, System.out);
  }

  static void run(Path dir, int trials, int epochs, int rows, PrintStream out) throws IOException {
    List<Path> outputs = new ArrayList<>();
    for (int t = 0; t < trials; t++) {
      Path csv =
          Files.createDirectories(dir.resolve("t" + t + "/fit/version_0")).resolve("metrics.csv");
      Files.writeString(csv, header());
      outputs.add(dir.resolve("t" + t));
    }
    CsvProgress kept = new CsvProgress();
    long keptNanos = 0;
    long freshNanos = 0;
    long bytes = 0;
    for (int e = 0; e < epochs; e++) {
      for (int t = 0; t < trials; t++) {
        Path csv = outputs.get(t).resolve("fit/version_0/metrics.csv");
        Files.writeString(
            csv, epoch(e, rows, t), StandardCharsets.UTF_8, StandardOpenOption.APPEND);
      }
      long start = System.nanoTime();
      for (Path o : outputs) {
        kept.read(o, METRIC);
      }
      keptNanos += System.nanoTime() - start;
      start = System.nanoTime();
      CsvProgress fresh = new CsvProgress();
      for (Path o : outputs) {
        fresh.read(o, METRIC);
      }
      freshNanos += System.nanoTime() - start;
    }
    for (Path o : outputs) {
      bytes += Files.size(o.resolve("fit/version_0/metrics.csv"));
    }
    out.printf(
        Locale.ROOT,
        "%d trials x %d epochs (%d rows each, %.1f MB of CSV at the end), load %.2f%n"
            + "  kept place : %.2f ms per tick (mean over %d ticks)%n"
            + "  whole files: %.2f ms per tick, %.2f ms at the last tick%n",
        trials,
        epochs,
        rows + 1,
        bytes / 1e6,
        java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
        keptNanos / 1e6 / epochs,
        epochs,
        freshNanos / 1e6 / epochs,
        lastTick(outputs));
  }

  private static double lastTick(List<Path> outputs) throws IOException {
    double best = Double.MAX_VALUE;
    for (int round = 0; round < 3; round++) {
      long start = System.nanoTime();
      CsvProgress fresh = new CsvProgress();
      for (Path o : outputs) {
        fresh.read(o, METRIC);
      }
      best = Math.min(best, (System.nanoTime() - start) / 1e6);
    }
    return best;
  }

  /** A TerraTorch 1.1 segmentation fit's columns: losses, the metrics and per-class IoU. */
  private static String header() {
    StringBuilder h = new StringBuilder("epoch,step,train/loss");
    for (String split : List.of("train", "val")) {
      for (String m : List.of("mIoU", "mIoU_Micro", "F1_Score", "Accuracy", "Pixel_Accuracy")) {
        h.append(',').append(split).append('/').append(m);
      }
      for (int c = 0; c < 13; c++) {
        h.append(',').append(split).append("/IoU_class").append(c);
      }
    }
    return h.append(",val/loss\n").toString();
  }

  /** One epoch: {@code rows} training-step rows (loss only), then the epoch's metric row. */
  private static String epoch(int e, int rows, int trial) {
    int columns = header().split(",").length;
    StringBuilder s = new StringBuilder();
    for (int r = 0; r < rows; r++) {
      s.append(e).append(',').append((long) e * rows * 10 + r * 10).append(',');
      s.append(String.format(Locale.ROOT, "%.6f", 1.0 / (1 + e + r * 0.01)));
      s.append(",".repeat(columns - 3)).append('\n');
    }
    s.append(e).append(',').append((long) (e + 1) * rows * 10 - 1).append(',');
    for (int c = 3; c < columns; c++) {
      s.append(String.format(Locale.ROOT, "%.6f", 0.3 + 0.001 * e + 0.0001 * trial + 0.00001 * c));
      s.append(c < columns - 1 ? "," : "\n");
    }
    return s.toString();
  }
}
