package dev.cairn.demo;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * A full training checkpoint, {@code last.ckpt}: weights, optimizer state, how far training got
 * (epochs done and the next batch of the current epoch) and the best validation metric. Written to
 * a temporary file and renamed, so a kill never leaves half of one.
 */
final class Checkpoint {
  private static final int MAGIC = 0xCA1256;
  private static final int VERSION = 1;

  final int epochsDone;
  final int nextBatch;
  final double bestMetric;
  private final double[] params;
  private final double[] m;
  private final double[] v;
  private final long step;

  private Checkpoint(
      int epochsDone,
      int nextBatch,
      double bestMetric,
      long step,
      double[] params,
      double[] m,
      double[] v) {
    this.epochsDone = epochsDone;
    this.nextBatch = nextBatch;
    this.bestMetric = bestMetric;
    this.step = step;
    this.params = params;
    this.m = m;
    this.v = v;
  }

  static Checkpoint of(int epochsDone, int nextBatch, double best, Model model, Adam adam) {
    return new Checkpoint(
        epochsDone,
        nextBatch,
        best,
        adam.step,
        model.params.clone(),
        adam.m.clone(),
        adam.v.clone());
  }

  void restore(Model model, Adam adam) {
    if (params.length != model.params.length) {
      throw new IllegalStateException(
          "checkpoint holds " + params.length + " weights, the model " + model.params.length);
    }
    System.arraycopy(params, 0, model.params, 0, params.length);
    System.arraycopy(m, 0, adam.m, 0, m.length);
    System.arraycopy(v, 0, adam.v, 0, v.length);
    adam.step = step;
  }

  void write(Path file, String task) throws IOException {
    Files.createDirectories(file.getParent());
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try (DataOutputStream out =
        new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(tmp)))) {
      out.writeInt(MAGIC);
      out.writeInt(VERSION);
      out.writeUTF(task);
      out.writeInt(epochsDone);
      out.writeInt(nextBatch);
      out.writeDouble(bestMetric);
      out.writeLong(step);
      for (double[] a : new double[][] {params, m, v}) {
        out.writeInt(a.length);
        for (double d : a) {
          out.writeDouble(d);
        }
      }
    }
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  static Checkpoint read(Path file, String task) throws IOException {
    try (DataInputStream in =
        new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
      if (in.readInt() != MAGIC || in.readInt() != VERSION) {
        throw new IOException(file + " is not a demo-trainer checkpoint");
      }
      String t = in.readUTF();
      if (!t.equals(task)) {
        throw new IOException(file + " is a checkpoint of task " + t + ", not " + task);
      }
      int epochsDone = in.readInt();
      int nextBatch = in.readInt();
      double bestMetric = in.readDouble();
      long step = in.readLong();
      double[][] arrays = new double[3][];
      for (int k = 0; k < 3; k++) {
        arrays[k] = new double[in.readInt()];
        for (int i = 0; i < arrays[k].length; i++) {
          arrays[k][i] = in.readDouble();
        }
      }
      return new Checkpoint(
          epochsDone, nextBatch, bestMetric, step, arrays[0], arrays[1], arrays[2]);
    }
  }
}
