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

  int epochsDone;
  int nextBatch;
  double bestMetric;
  double[] params;
  double[] m;
  double[] v;
  long step;

  static Checkpoint of(int epochsDone, int nextBatch, double best, Model model, Adam adam) {
    Checkpoint c = new Checkpoint();
    c.epochsDone = epochsDone;
    c.nextBatch = nextBatch;
    c.bestMetric = best;
    c.params = model.params.clone();
    c.m = adam.m.clone();
    c.v = adam.v.clone();
    c.step = adam.step;
    return c;
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
      Checkpoint c = new Checkpoint();
      c.epochsDone = in.readInt();
      c.nextBatch = in.readInt();
      c.bestMetric = in.readDouble();
      c.step = in.readLong();
      double[][] arrays = new double[3][];
      for (int k = 0; k < 3; k++) {
        arrays[k] = new double[in.readInt()];
        for (int i = 0; i < arrays[k].length; i++) {
          arrays[k][i] = in.readDouble();
        }
      }
      c.params = arrays[0];
      c.m = arrays[1];
      c.v = arrays[2];
      return c;
    }
  }
}
