package dev.cairn.demo;

import java.util.SplittableRandom;

/**
 * A small pixel-wise network: each pixel's features and its neighbourhood (3x3, or 5x5 for the
 * biggest backbones) go through one hidden ReLU layer, as wide as the {@link Portfolio} says, to
 * per-class scores (softmax), one logit (sigmoid) or one value (regression). All weights sit in one
 * array so the optimizer and the checkpoint treat them alike.
 */
final class Model {
  final int width;
  final int inputs;
  final int outputs;
  final double[] params;
  private final int w1;
  private final int b1;
  private final int w2;
  private final int b2;

  Model(int channels, int outputs, long seed, Portfolio backbone) {
    this.width = backbone.hidden();
    this.inputs = channels * backbone.window();
    this.outputs = outputs;
    this.w1 = 0;
    this.b1 = w1 + width * inputs;
    this.w2 = b1 + width;
    this.b2 = w2 + outputs * width;
    this.params = new double[b2 + outputs];
    SplittableRandom r = new SplittableRandom(seed ^ 0x5DEECE66DL);
    double s1 = Math.sqrt(2.0 / inputs);
    double s2 = Math.sqrt(1.0 / width);
    for (int i = 0; i < width * inputs; i++) {
      params[w1 + i] = r.nextGaussian() * s1;
    }
    for (int i = 0; i < outputs * width; i++) {
      params[w2 + i] = r.nextGaussian() * s2;
    }
  }

  /** Scores for one pixel; {@code hidden} receives the activations (for the backward pass). */
  void forward(double[] x, double[] hidden, double[] out) {
    for (int h = 0; h < width; h++) {
      double z = params[b1 + h];
      int row = w1 + h * inputs;
      for (int i = 0; i < inputs; i++) {
        z += params[row + i] * x[i];
      }
      hidden[h] = z > 0 ? z : 0;
    }
    for (int o = 0; o < outputs; o++) {
      double z = params[b2 + o];
      int row = w2 + o * width;
      for (int h = 0; h < width; h++) {
        z += params[row + h] * hidden[h];
      }
      out[o] = z;
    }
  }

  /** Adds the gradient of one pixel's loss, given d(loss)/d(scores), to {@code grad}. */
  void backward(double[] x, double[] hidden, double[] dOut, double[] grad) {
    for (int o = 0; o < outputs; o++) {
      double d = dOut[o];
      grad[b2 + o] += d;
      int row = w2 + o * width;
      for (int h = 0; h < width; h++) {
        grad[row + h] += d * hidden[h];
      }
    }
    for (int h = 0; h < width; h++) {
      if (hidden[h] <= 0) {
        continue;
      }
      double d = 0;
      for (int o = 0; o < outputs; o++) {
        d += params[w2 + o * width + h] * dOut[o];
      }
      grad[b1 + h] += d;
      int row = w1 + h * inputs;
      for (int i = 0; i < inputs; i++) {
        grad[row + i] += d * x[i];
      }
    }
  }
}
