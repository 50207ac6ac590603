package dev.cairn.demo;

/**
 * Metrics accumulated pixel by pixel, computed as TerraTorch 1.1's tasks define them: a confusion
 * matrix for classes (mIoU and F1 averaged over classes, micro IoU, mean class accuracy, pixel
 * accuracy) or sums of errors for regression (RMSE, MSE, MAE, R2).
 */
final class Metrics {
  private final long[][] confusion;
  private long n;
  private double sumSq;
  private double sumAbs;
  private double sumT;
  private double sumTT;

  /**
   * @param classes 0 for regression
   */
  Metrics(int classes) {
    this.confusion = new long[classes][classes];
  }

  void add(double target, double prediction) {
    n++;
    if (confusion.length == 0) {
      double e = prediction - target;
      sumSq += e * e;
      sumAbs += Math.abs(e);
      sumT += target;
      sumTT += target * target;
    } else {
      confusion[(int) target][(int) prediction]++;
    }
  }

  double accuracy() {
    long right = 0;
    for (int k = 0; k < confusion.length; k++) {
      right += confusion[k][k];
    }
    return n == 0 ? 0 : (double) right / n;
  }

  double iou(int k) {
    long tp = confusion[k][k];
    long fp = 0;
    long fn = 0;
    for (int j = 0; j < confusion.length; j++) {
      if (j != k) {
        fp += confusion[j][k];
        fn += confusion[k][j];
      }
    }
    long union = tp + fp + fn;
    return union == 0 ? 1 : (double) tp / union;
  }

  double meanIoU() {
    double sum = 0;
    for (int k = 0; k < confusion.length; k++) {
      sum += iou(k);
    }
    return sum / confusion.length;
  }

  /** IoU over all pixels: every class's true positives over every class's union. */
  double microIoU() {
    long tp = 0;
    long union = 0;
    for (int k = 0; k < confusion.length; k++) {
      tp += confusion[k][k];
      for (int j = 0; j < confusion.length; j++) {
        if (j != k) {
          union += confusion[j][k] + confusion[k][j];
        }
      }
    }
    union += tp;
    return union == 0 ? 1 : (double) tp / union;
  }

  /** F1 of each class, averaged (macro). */
  double meanF1() {
    double sum = 0;
    for (int k = 0; k < confusion.length; k++) {
      long tp = confusion[k][k];
      long fp = 0;
      long fn = 0;
      for (int j = 0; j < confusion.length; j++) {
        if (j != k) {
          fp += confusion[j][k];
          fn += confusion[k][j];
        }
      }
      sum += tp == 0 ? (fp + fn == 0 ? 1 : 0) : 2.0 * tp / (2.0 * tp + fp + fn);
    }
    return sum / confusion.length;
  }

  /** Accuracy of each class (its recall), averaged (macro). */
  double meanClassAccuracy() {
    double sum = 0;
    for (int k = 0; k < confusion.length; k++) {
      long row = 0;
      for (int j = 0; j < confusion.length; j++) {
        row += confusion[k][j];
      }
      sum += row == 0 ? 1 : (double) confusion[k][k] / row;
    }
    return sum / confusion.length;
  }

  double mse() {
    return sumSq / n;
  }

  double mae() {
    return sumAbs / n;
  }

  /** F1 of class 1 (the positive class of a binary task). */
  double f1() {
    long tp = confusion[1][1];
    long fp = confusion[0][1];
    long fn = confusion[1][0];
    return tp == 0 ? 0 : 2.0 * tp / (2.0 * tp + fp + fn);
  }

  double rmse() {
    return Math.sqrt(sumSq / n);
  }

  double r2() {
    double variance = sumTT - sumT * sumT / n;
    return variance <= 0 ? 0 : 1 - sumSq / variance;
  }
}
