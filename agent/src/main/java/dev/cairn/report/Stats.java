package dev.cairn.report;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.jspecify.annotations.Nullable;

/**
 * Repetitions summarised: mean, standard deviation, count and a 95 % percentile-bootstrap interval
 * of the mean; and the interquartile mean with a stratified bootstrap, as GEO-Bench-2 aggregates
 * normalised scores. Every bootstrap draws from a fixed seed, so the same values give the same
 * interval on every machine.
 */
public final class Stats {
  /** Resamples per bootstrap. */
  static final int RESAMPLES = 2000;

  private static final long SEED = 20_261_207L;

  private Stats() {}

  /**
   * One group of repetitions.
   *
   * @param low the 2.5th percentile of the bootstrapped mean (the mean itself when n is 1)
   * @param high the 97.5th percentile
   */
  public record Summary(double mean, double sd, int n, double low, double high) {
    /** True when both have at least two values and their intervals do not overlap. */
    public boolean separatesFrom(Summary other) {
      return n >= 2 && other.n >= 2 && (low > other.high || high < other.low);
    }
  }

  /** The summary of the values; null when there are none. */
  public static @Nullable Summary of(List<Double> values) {
    if (values.isEmpty()) {
      return null;
    }
    double[] v = values.stream().mapToDouble(Double::doubleValue).toArray();
    double mean = mean(v);
    double sd = 0;
    if (v.length > 1) {
      double ss = 0;
      for (double x : v) {
        ss += (x - mean) * (x - mean);
      }
      sd = Math.sqrt(ss / (v.length - 1));
    }
    if (v.length == 1) {
      return new Summary(mean, 0, 1, mean, mean);
    }
    SplittableRandom random = new SplittableRandom(SEED);
    double[] means = new double[RESAMPLES];
    double[] sample = new double[v.length];
    for (int r = 0; r < RESAMPLES; r++) {
      for (int i = 0; i < v.length; i++) {
        sample[i] = v[random.nextInt(v.length)];
      }
      means[r] = mean(sample);
    }
    return new Summary(mean, sd, v.length, percentile(means, 2.5), percentile(means, 97.5));
  }

  /**
   * The interquartile mean (a quarter cut from each end, as scipy's {@code trim_mean(x, 0.25)}
   * cuts) of every value of every stratum, with a 95 % interval from resampling each stratum (a
   * task's repetitions) on its own; null when there are no values. Its {@code n} is the fewest
   * repetitions of a stratum, so one repetition per task gives no interval.
   */
  public static @Nullable Summary iqm(List<List<Double>> strata) {
    List<Double> all = new ArrayList<>();
    strata.forEach(all::addAll);
    if (all.isEmpty()) {
      return null;
    }
    double point = iqmOf(all.stream().mapToDouble(Double::doubleValue).toArray());
    double[] allValues = all.stream().mapToDouble(Double::doubleValue).toArray();
    double sd = Math.sqrt(variance(allValues));
    int repetitions =
        strata.stream().filter(s -> !s.isEmpty()).mapToInt(List::size).min().orElse(0);
    if (repetitions < 2) {
      return new Summary(point, sd, 1, point, point);
    }
    SplittableRandom random = new SplittableRandom(SEED);
    double[] iqms = new double[RESAMPLES];
    double[] sample = new double[all.size()];
    for (int r = 0; r < RESAMPLES; r++) {
      int k = 0;
      for (List<Double> stratum : strata) {
        for (int i = 0; i < stratum.size(); i++) {
          sample[k++] = stratum.get(random.nextInt(stratum.size()));
        }
      }
      iqms[r] = iqmOf(sample);
    }
    return new Summary(point, sd, repetitions, percentile(iqms, 2.5), percentile(iqms, 97.5));
  }

  /** The mean of the middle half: {@code floor(n/4)} values cut from each end. */
  static double iqmOf(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int cut = sorted.length / 4;
    return mean(Arrays.copyOfRange(sorted, cut, sorted.length - cut));
  }

  private static double mean(double[] v) {
    double sum = 0;
    for (double x : v) {
      sum += x;
    }
    return sum / v.length;
  }

  private static double variance(double[] v) {
    if (v.length < 2) {
      return 0;
    }
    double m = mean(v);
    double ss = 0;
    for (double x : v) {
      ss += (x - m) * (x - m);
    }
    return ss / (v.length - 1);
  }

  /** Linear interpolation between closest ranks, as numpy's default percentile. */
  static double percentile(double[] values, double p) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    double rank = p / 100 * (sorted.length - 1);
    int lo = (int) Math.floor(rank);
    int hi = (int) Math.ceil(rank);
    return sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo);
  }
}
