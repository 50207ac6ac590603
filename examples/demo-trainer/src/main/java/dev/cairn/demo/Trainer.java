package dev.cairn.demo;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Trains one task: epochs of shuffled mini-batches (a batch is {@code batchSize} tiles), a
 * validation pass and a checkpoint after every epoch, and a checkpoint at the batch it reached when
 * asked to stop. Gradients are summed per worker over fixed pixel ranges and added in worker order,
 * so a run is bit-identical for a seed, however often it was stopped and resumed.
 */
final class Trainer {
  /** Exit code when stopped by a signal after writing the checkpoint, as shells report SIGTERM. */
  static final int STOPPED = 143;

  private final Options o;
  private final PrintStream out;
  private final PrintStream err;
  private final Tasks.Data train;
  private final Tasks.Data val;
  private final Tasks.Data test;
  private final Model model;
  private final Adam adam;
  private final double[] mean;
  private final double[] std;
  private final Path checkpoint;
  private final Portfolio backbone;

  /** Memory standing for the backbone's weights, held while the trainer lives. */
  @SuppressWarnings("unused")
  private final int[] ballast;

  private volatile boolean stopRequested;

  Trainer(Options o, PrintStream out, PrintStream err) {
    this.o = o;
    this.out = out;
    this.err = err;
    this.backbone = Portfolio.of(o.model());
    int valTiles = Math.max(2, o.tiles() / 4);
    if (o.split().isEmpty()) {
      this.train = Tasks.generate(o.task(), o.seed(), o.tiles());
      this.val = Tasks.generate(o.task(), o.seed() + 1, valTiles);
    } else {
      // a split is a list of tiles: which of one pool train and which validate, by its name
      Tasks.Data pool = Tasks.generate(o.task(), o.seed(), o.tiles() + valTiles);
      int[] order = splitOrder(pool.inputs.length, o.split());
      this.train = pool.subset(java.util.Arrays.copyOfRange(order, 0, o.tiles()));
      this.val = pool.subset(java.util.Arrays.copyOfRange(order, o.tiles(), order.length));
    }
    this.test = Tasks.generate(o.task(), o.seed() + 2, valTiles);
    this.model =
        new Model(
            train.channels,
            train.regression ? 1 : train.classes == 1 ? 1 : train.classes,
            o.seed(),
            backbone);
    this.ballast = backbone.ballast();
    this.adam = new Adam(model.params.length);
    this.mean = new double[train.channels];
    this.std = new double[train.channels];
    normalisation();
    blur(train, 1);
    blur(val, 2);
    blur(test, 3);
    this.checkpoint = o.checkpointDir().resolve("last.ckpt");
  }

  /** A permutation of {@code n} tiles fixed by the split's name (FNV-1a of its bytes). */
  static int[] splitOrder(int n, String split) {
    long h = 0xcbf29ce484222325L;
    for (byte b : split.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
      h = (h ^ (b & 0xff)) * 0x100000001b3L;
    }
    java.util.SplittableRandom r = new java.util.SplittableRandom(h);
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = r.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    return order;
  }

  void requestStop() {
    stopRequested = true;
  }

  /**
   * Trains (or resumes), then tests; returns the exit code. {@code --stage train} stops after the
   * last epoch's checkpoint; {@code --stage evaluate} only tests and plots the finished checkpoint.
   */
  int run() throws Exception {
    long started = System.nanoTime();
    Files.createDirectories(o.outputDir());
    int epoch = 0;
    int firstBatch = 0;
    double best = Double.NEGATIVE_INFINITY;
    if (Files.exists(checkpoint)) {
      Checkpoint c = Checkpoint.read(checkpoint, o.task());
      c.restore(model, adam);
      epoch = c.epochsDone;
      firstBatch = c.nextBatch;
      best = c.bestMetric;
      out.printf(
          Locale.ROOT,
          "resuming from checkpoint at epoch %d%s%n",
          epoch,
          firstBatch > 0 ? " batch " + firstBatch : "");
    }
    if (o.stage().equals("evaluate") && epoch < o.epochs()) {
      err.printf(
          Locale.ROOT,
          "demo-trainer: --stage evaluate needs a finished training checkpoint in %s; it has %d of"
              + " %d epochs%n",
          o.checkpointDir(),
          epoch,
          o.epochs());
      return 4;
    }
    int batches = (train.inputs.length + o.batchSize() - 1) / o.batchSize();
    ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, o.workers()));
    try {
      while (epoch < o.epochs()) {
        long epochStart = System.nanoTime();
        int[] order = shuffled(epoch);
        double lossSum = 0;
        for (int b = firstBatch; b < batches; b++) {
          if (stopRequested) {
            Checkpoint.of(epoch, b, best, model, adam).write(checkpoint, o.task());
            out.printf(
                Locale.ROOT, "stop requested: checkpoint written at epoch %d batch %d%n", epoch, b);
            return STOPPED;
          }
          int from = b * o.batchSize();
          int to = Math.min(order.length, from + o.batchSize());
          lossSum += step(pool, order, from, to);
        }
        firstBatch = 0;
        epoch++;
        if (o.failAtEpoch() > 0 && epoch == o.failAtEpoch()) {
          err.printf("demo-trainer: failing at epoch %d as --fail-at-epoch asked%n", epoch);
          return 3;
        }
        Map<String, Double> v = evaluate(val, "val");
        double key = v.values().iterator().next() * (train.regression ? -1 : 1);
        best = Math.max(best, key);
        double pause = o.minEpochSeconds() - (System.nanoTime() - epochStart) / 1e9;
        if (pause > 0) {
          sleepUnlessStopped(pause);
        }
        double seconds = (System.nanoTime() - epochStart) / 1e9;
        Checkpoint.of(epoch, 0, best, model, adam).write(checkpoint, o.task());
        logEpoch(epoch, (long) epoch * batches - 1, lossSum / batches, v, seconds);
      }
    } finally {
      pool.shutdownNow();
    }
    if (o.stage().equals("train")) {
      out.printf(
          Locale.ROOT, "trained %d epochs; the evaluate stage tests the checkpoint%n", epoch);
      return 0;
    }
    Map<String, Double> t = evaluate(test, "test");
    logRow(Math.max(0, epoch - 1), (long) epoch * batches, t);
    Plots.write(o.outputDir().resolve("predictions"), test, this::predictTile, 3);
    writeMetrics(t, (System.nanoTime() - started) / 1e9);
    StringBuilder line = new StringBuilder("test");
    t.forEach((k, val) -> line.append(String.format(Locale.ROOT, " %s=%.4f", k, val)));
    out.println(line);
    return 0;
  }

  private void sleepUnlessStopped(double seconds) throws InterruptedException {
    long end = System.nanoTime() + (long) (seconds * 1e9);
    while (!stopRequested && System.nanoTime() < end) {
      Thread.sleep(Math.min(50, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
    }
  }

  private int[] shuffled(int epoch) {
    int[] order = new int[train.inputs.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    SplittableRandom r = new SplittableRandom(o.seed() * 7919 + epoch);
    for (int i = order.length - 1; i > 0; i--) {
      int j = r.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    return order;
  }

  /** One optimizer step on the tiles order[from..to); returns the mean loss. */
  private double step(ExecutorService pool, int[] order, int from, int to) throws Exception {
    int tiles = to - from;
    int workers = Math.max(1, Math.min(o.workers(), tiles));
    List<Future<double[]>> parts = new ArrayList<>();
    for (int w = 0; w < workers; w++) {
      int a = from + tiles * w / workers;
      int z = from + tiles * (w + 1) / workers;
      parts.add(pool.submit(() -> gradient(order, a, z)));
    }
    double[] grad = new double[model.params.length + 1];
    for (Future<double[]> f : parts) {
      double[] g = f.get();
      for (int i = 0; i < grad.length; i++) {
        grad[i] += g[i];
      }
    }
    int pixels = tiles * Tasks.SIZE * Tasks.SIZE;
    double[] g = new double[model.params.length];
    for (int i = 0; i < g.length; i++) {
      g[i] = grad[i] / pixels;
    }
    adam.update(model.params, g, o.learningRate());
    return grad[model.params.length] / pixels;
  }

  /** Summed gradient (and, in the last slot, summed loss) over the tiles order[a..z). */
  private double[] gradient(int[] order, int a, int z) {
    double[] grad = new double[model.params.length + 1];
    double[] x = new double[model.inputs];
    double[] hidden = new double[model.width];
    double[] scores = new double[model.outputs];
    double[] d = new double[model.outputs];
    for (int k = a; k < z; k++) {
      int tile = order[k];
      for (int p = 0; p < Tasks.SIZE * Tasks.SIZE; p++) {
        features(train, tile, p, x);
        model.forward(x, hidden, scores);
        grad[grad.length - 1] += lossGradient(scores, train.targets[tile][p], d);
        model.backward(x, hidden, d, grad);
      }
    }
    return grad;
  }

  /** The loss of one pixel and d(loss)/d(scores) into {@code d}. */
  private double lossGradient(double[] s, double target, double[] d) {
    if (train.regression) {
      double e = s[0] - target;
      d[0] = e;
      return 0.5 * e * e;
    }
    if (model.outputs == 1) {
      double p = 1 / (1 + Math.exp(-s[0]));
      double weight = target > 0.5 ? 4.0 : 1.0; // scars are rare: weigh them up
      d[0] = weight * (p - target);
      return -weight * (target > 0.5 ? Math.log(p + 1e-12) : Math.log(1 - p + 1e-12));
    }
    double max = Double.NEGATIVE_INFINITY;
    for (double v : s) {
      max = Math.max(max, v);
    }
    double sum = 0;
    for (int i = 0; i < s.length; i++) {
      d[i] = Math.exp(s[i] - max);
      sum += d[i];
    }
    int t = (int) target;
    double loss = -Math.log(d[t] / sum + 1e-12);
    for (int i = 0; i < s.length; i++) {
      d[i] = d[i] / sum - (i == t ? 1 : 0);
    }
    return loss;
  }

  /**
   * The pixel's normalised features and those of its neighbourhood, 3x3 or 5x5 by the backbone
   * (edges clamped).
   */
  private void features(Tasks.Data data, int tile, int p, double[] x) {
    int y = p / Tasks.SIZE;
    int xx = p % Tasks.SIZE;
    int i = 0;
    int r = backbone.radius();
    for (int dy = -r; dy <= r; dy++) {
      int yy = Math.min(Tasks.SIZE - 1, Math.max(0, y + dy));
      for (int dx = -r; dx <= r; dx++) {
        int xc = Math.min(Tasks.SIZE - 1, Math.max(0, xx + dx));
        for (int c = 0; c < data.channels; c++) {
          x[i++] = (data.in(tile, c, yy, xc) - mean[c]) / std[c];
        }
      }
    }
  }

  /** Predictions of one tile: class index, 0/1, or the value in the target's units. */
  float[] predictTile(Tasks.Data data, int tile) {
    float[] pred = new float[Tasks.SIZE * Tasks.SIZE];
    double[] x = new double[model.inputs];
    double[] hidden = new double[model.width];
    double[] s = new double[model.outputs];
    for (int p = 0; p < pred.length; p++) {
      features(data, tile, p, x);
      model.forward(x, hidden, s);
      if (data.regression) {
        pred[p] = (float) s[0];
      } else if (model.outputs == 1) {
        pred[p] = s[0] > 0 ? 1 : 0;
      } else {
        int best = 0;
        for (int k = 1; k < s.length; k++) {
          if (s[k] > s[best]) {
            best = k;
          }
        }
        pred[p] = best;
      }
    }
    return pred;
  }

  /**
   * The split's loss and metrics, named as TerraTorch 1.1 logs them ({@code val/mIoU}, {@code
   * test/RMSE}).
   */
  Map<String, Double> evaluate(Tasks.Data data, String split) {
    Metrics m = new Metrics(data.regression ? 0 : Math.max(2, model.outputs));
    double[] x = new double[model.inputs];
    double[] hidden = new double[model.width];
    double[] scores = new double[model.outputs];
    double[] d = new double[model.outputs];
    double loss = 0;
    for (int tile = 0; tile < data.inputs.length; tile++) {
      float[] pred = predictTile(data, tile);
      for (int p = 0; p < pred.length; p++) {
        m.add(data.targets[tile][p], pred[p]);
        features(data, tile, p, x);
        model.forward(x, hidden, scores);
        loss += lossGradient(scores, data.targets[tile][p], d);
      }
    }
    Map<String, Double> result = new LinkedHashMap<>();
    if (data.regression) {
      result.put(split + "/RMSE", m.rmse() * 100); // back to Mg/ha
      result.put(split + "/MSE", m.mse() * 100 * 100);
      result.put(split + "/MAE", m.mae() * 100);
      result.put(split + "/R2_Score", m.r2());
    } else {
      result.put(split + "/mIoU", m.meanIoU());
      result.put(split + "/mIoU_Micro", m.microIoU());
      result.put(split + "/F1_Score", m.meanF1());
      result.put(split + "/Accuracy", m.meanClassAccuracy());
      result.put(split + "/Pixel_Accuracy", m.accuracy());
    }
    result.put(split + "/loss", loss / (data.inputs.length * (double) Tasks.SIZE * Tasks.SIZE));
    return result;
  }

  /**
   * The backbone's view of a data set: each value plus Gaussian noise of {@link Portfolio#noise}
   * standard deviations of its band, fixed by the seed, so a run stays bit-identical.
   */
  private void blur(Tasks.Data data, long salt) {
    if (backbone.noise() <= 0) {
      return;
    }
    java.util.SplittableRandom r =
        new java.util.SplittableRandom(o.seed() * 31 + salt * 1_000_003L + o.task().hashCode());
    int pixels = Tasks.SIZE * Tasks.SIZE;
    for (float[] tile : data.inputs) {
      for (int c = 0; c < data.channels; c++) {
        double sd = backbone.noise() * std[c];
        for (int p = 0; p < pixels; p++) {
          tile[c * pixels + p] += (float) (sd * r.nextGaussian());
        }
      }
    }
  }

  private void normalisation() {
    int n = train.inputs.length * Tasks.SIZE * Tasks.SIZE;
    for (int c = 0; c < train.channels; c++) {
      double sum = 0;
      double sq = 0;
      for (float[] tile : train.inputs) {
        for (int p = 0; p < Tasks.SIZE * Tasks.SIZE; p++) {
          double v = tile[c * Tasks.SIZE * Tasks.SIZE + p];
          sum += v;
          sq += v * v;
        }
      }
      mean[c] = sum / n;
      std[c] = Math.sqrt(Math.max(1e-12, sq / n - mean[c] * mean[c]));
    }
  }

  private void logEpoch(int epoch, long step, double loss, Map<String, Double> v, double seconds)
      throws IOException {
    StringBuilder line =
        new StringBuilder(
            String.format(Locale.ROOT, "epoch %d/%d train/loss=%.4f", epoch, o.epochs(), loss));
    v.forEach((k, val) -> line.append(String.format(Locale.ROOT, " %s=%.4f", k, val)));
    line.append(String.format(Locale.ROOT, " (%.3f s)", seconds));
    out.println(line);
    Map<String, Double> row = new LinkedHashMap<>();
    row.put("train/loss", loss);
    row.putAll(v);
    // Lightning counts epochs from 0
    logRow(epoch - 1, step, row);
  }

  /**
   * One row of {@code metrics.csv} in the shape of Lightning's CSVLogger: {@code epoch,step}, then
   * {@code train/loss}, the {@code val/...} and the {@code test/...} columns, a cell left empty
   * where the row logged no value; the header names every column the task logs, so a resumed run
   * appends to the same file.
   */
  private void logRow(int epoch, long step, Map<String, Double> values) throws IOException {
    Path csv = o.outputDir().resolve("metrics.csv");
    List<String> columns = new ArrayList<>(List.of("train/loss"));
    for (String split : List.of("val", "test")) {
      evaluateNames(split).forEach(columns::add);
    }
    StringBuilder text = new StringBuilder();
    if (!Files.exists(csv)) {
      text.append("epoch,step");
      columns.forEach(c -> text.append(',').append(c));
      text.append('\n');
    }
    text.append(epoch).append(',').append(step);
    for (String c : columns) {
      Double value = values.get(c);
      text.append(',').append(value == null ? "" : String.format(Locale.ROOT, "%.6f", value));
    }
    text.append('\n');
    Files.writeString(
        csv, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }

  private List<String> evaluateNames(String split) {
    List<String> names = new ArrayList<>();
    for (String n :
        train.regression
            ? List.of("RMSE", "MSE", "MAE", "R2_Score", "loss")
            : List.of("mIoU", "mIoU_Micro", "F1_Score", "Accuracy", "Pixel_Accuracy", "loss")) {
      names.add(split + "/" + n);
    }
    return names;
  }

  private void writeMetrics(Map<String, Double> test, double elapsed) throws IOException {
    StringBuilder json = new StringBuilder("{\n");
    json.append("  \"task\": \"").append(o.task()).append("\",\n");
    json.append("  \"epochs\": ").append(o.epochs()).append(",\n");
    json.append("  \"seed\": ").append(o.seed()).append(",\n");
    for (Map.Entry<String, Double> e : test.entrySet()) {
      json.append(String.format(Locale.ROOT, "  \"%s\": %.6f,%n", e.getKey(), e.getValue()));
    }
    OptionalLong peak = peakRssMb();
    if (peak.isPresent()) {
      json.append("  \"peak_rss_mb\": ").append(peak.getAsLong()).append(",\n");
    }
    json.append(String.format(Locale.ROOT, "  \"elapsed_s\": %.3f%n}%n", elapsed));
    Files.writeString(o.outputDir().resolve("metrics.json"), json);
  }

  private static OptionalLong peakRssMb() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmHWM:")) {
          return OptionalLong.of(Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024);
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux: no figure
    }
    return OptionalLong.empty();
  }
}
