package dev.cairn.early;

import java.util.Collections;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * What early stopping knows of one trial of a task: whether it still trains, how many epochs it was
 * asked for, and its metric after each epoch it completed.
 *
 * @param running true while its train job is queued or running (only such a trial is decided)
 * @param epochs the epochs the trial trains in full ({@code EPOCHS} of its sweep point)
 * @param values by epochs completed (1 for Lightning's {@code epoch} 0); a value of NaN stands for
 *     an epoch whose row held no number
 */
public record TrialCurve(
    String trialId, boolean running, int epochs, SortedMap<Integer, Double> values) {
  public TrialCurve {
    Objects.requireNonNull(trialId, "trialId");
    values = Collections.unmodifiableSortedMap(new TreeMap<>(values));
  }

  /** Epochs completed so far: the last epoch with a validation row, 0 before the first. */
  public int epochsDone() {
    return values.isEmpty() ? 0 : values.lastKey();
  }

  /** The value after {@code epochs} epochs; null when none was logged or it is not a number. */
  @Nullable Double at(int epochs) {
    Double v = values.get(epochs);
    return v == null || !Double.isFinite(v) ? null : v;
  }
}
