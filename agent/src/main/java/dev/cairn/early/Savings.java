package dev.cairn.early;

import java.util.List;

/**
 * The training time early stopping saved: the epochs the stopped trials did not run, times the mean
 * seconds per epoch observed so far over every trial that trained.
 */
public final class Savings {
  private Savings() {}

  /**
   * What one trial trained and what it would have trained.
   *
   * @param epochsPlanned the trial's {@code EPOCHS}
   * @param epochsRun epochs completed
   * @param seconds the time spent on those epochs (the train job's elapsed time, or the sum of its
   *     epochs' times)
   * @param stopped whether early stopping ended it
   */
  public record Effort(int epochsPlanned, int epochsRun, double seconds, boolean stopped) {}

  /**
   * The estimate: seconds spent, seconds saved and the full grid's estimate (their sum).
   *
   * @param secondsPerEpoch the mean observed; 0 before any epoch completed
   * @param epochsNotRun the stopped trials' remaining epochs
   */
  public record Estimate(
      double secondsSpent, double secondsSaved, double secondsPerEpoch, long epochsNotRun) {
    public double fullGridSeconds() {
      return secondsSpent + secondsSaved;
    }

    public double hoursSaved() {
      return secondsSaved / 3600;
    }

    /** The share of the full grid's estimate that was spent; 1 when nothing was saved. */
    public double spentShare() {
      double full = fullGridSeconds();
      return full == 0 ? 1 : secondsSpent / full;
    }
  }

  public static Estimate estimate(List<Effort> trials) {
    double spent = 0;
    long epochsRun = 0;
    long notRun = 0;
    for (Effort e : trials) {
      spent += e.seconds();
      epochsRun += e.epochsRun();
      if (e.stopped()) {
        notRun += Math.max(0, e.epochsPlanned() - e.epochsRun());
      }
    }
    double perEpoch = epochsRun == 0 ? 0 : spent / epochsRun;
    return new Estimate(spent, notRun * perEpoch, perEpoch, notRun);
  }
}
