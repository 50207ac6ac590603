package dev.cairn.model;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One trial's verdict at one rung, made once and never changed: what the run record keeps and the
 * report shows.
 *
 * @param rung the rung, in epochs trained
 * @param value the trial's metric after {@code rung} epochs; null when it logged none there, or not
 *     a number (NaN), which ranks below every value
 * @param cutoff the value a trial had to match or beat to go on (the {@code keep}-th best at the
 *     rung when it was decided); null when that one was missing too
 * @param competitors how many trials had reached the rung when it was decided, this one included
 * @param at when it was decided, by the loop's clock (an ISO-8601 instant)
 */
public record RungDecision(
    String trialId,
    int rung,
    @Nullable Double value,
    @Nullable Double cutoff,
    int competitors,
    Verdict verdict,
    String at) {
  public RungDecision {
    Objects.requireNonNull(trialId, "trialId");
    Objects.requireNonNull(verdict, "verdict");
    Objects.requireNonNull(at, "at");
  }

  public boolean stops() {
    return verdict == Verdict.STOP;
  }

  /**
   * "val/mIoU 0.4120 below the cut-off 0.5300 at epoch 3 (4 trial(s) reached it)": logs, status.
   */
  public String describe(String metric) {
    return metric
        + " "
        + number(value)
        + (stops() ? " below the cut-off " : " at or above the cut-off ")
        + number(cutoff)
        + " at epoch "
        + rung
        + " ("
        + competitors
        + " trial(s) reached it)";
  }

  private static String number(@Nullable Double v) {
    return v == null ? "not logged" : String.format(java.util.Locale.ROOT, "%.4f", v);
  }
}
