package dev.cairn.model;

import java.util.List;

/**
 * What early stopping ({@code EARLY_STOP=asha}) did in a run: its rules, every decision at every
 * rung, and what it saved against the full grid. Part of the run record, the report and {@code
 * run.json}.
 *
 * @param minEpochs the first rung ({@code EARLY_STOP_MIN_EPOCHS})
 * @param reduction eta ({@code EARLY_STOP_REDUCTION}): the top {@code max(1, floor(n / eta))} of a
 *     rung go on
 * @param rules each task's metric, direction and rungs
 * @param decisions every decision, in the order they were made
 * @param epochsPlanned the epochs the full grid trains
 * @param epochsRun the epochs its trials trained (each stopped trial up to its last logged epoch)
 * @param secondsSpent the trials' training time so far
 * @param secondsSaved the stopped trials' remaining epochs times the mean seconds per epoch
 */
public record EarlyStopRecord(
    int minEpochs,
    int reduction,
    List<Rule> rules,
    List<RungDecision> decisions,
    long epochsPlanned,
    long epochsRun,
    double secondsSpent,
    double secondsSaved) {

  public EarlyStopRecord {
    rules = List.copyOf(rules);
    decisions = List.copyOf(decisions);
  }

  /**
   * One task's rule.
   *
   * @param metric the validation metric compared, such as {@code val/mIoU}
   * @param rungs the epochs at which its trials are compared
   */
  public record Rule(String task, String metric, boolean higherIsBetter, List<Integer> rungs) {
    public Rule {
      rungs = List.copyOf(rungs);
    }
  }

  /** The trials stopped, once each. */
  public long stopped() {
    return decisions.stream()
        .filter(RungDecision::stops)
        .map(RungDecision::trialId)
        .distinct()
        .count();
  }

  /** The share of the full grid's epochs that were trained; 1 when nothing was planned. */
  public double epochShare() {
    return epochsPlanned == 0 ? 1 : (double) epochsRun / epochsPlanned;
  }

  /** The full grid's estimated training time: what was spent plus what was saved. */
  public double fullGridSeconds() {
    return secondsSpent + secondsSaved;
  }
}
