package dev.cairn.demo;

/** The Adam optimizer; its moments and step count are part of every checkpoint. */
final class Adam {
  static final double BETA1 = 0.9;
  static final double BETA2 = 0.999;
  static final double EPS = 1e-8;
  final double[] m;
  final double[] v;
  long step;

  Adam(int size) {
    m = new double[size];
    v = new double[size];
  }

  void update(double[] params, double[] grad, double lr) {
    step++;
    double c1 = 1 - Math.pow(BETA1, step);
    double c2 = 1 - Math.pow(BETA2, step);
    for (int i = 0; i < params.length; i++) {
      m[i] = BETA1 * m[i] + (1 - BETA1) * grad[i];
      v[i] = BETA2 * v[i] + (1 - BETA2) * grad[i] * grad[i];
      params[i] -= lr * (m[i] / c1) / (Math.sqrt(v[i] / c2) + EPS);
    }
  }
}
