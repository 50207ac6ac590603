package dev.cairn.early;

import java.time.Instant;
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
 * @param at when it was decided (the loop's clock)
 */
public record Decision(
    String trialId,
    int rung,
    @Nullable Double value,
    @Nullable Double cutoff,
    int competitors,
    Verdict verdict,
    Instant at) {
  public Decision {
    Objects.requireNonNull(trialId, "trialId");
    Objects.requireNonNull(verdict, "verdict");
    Objects.requireNonNull(at, "at");
  }

  public boolean stops() {
    return verdict == Verdict.STOP;
  }
}
