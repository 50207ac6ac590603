package dev.cairn.early;

import dev.cairn.model.RungDecision;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One task's early stopping as the loop calls it each tick: reads every trial's progress from its
 * output folder ({@link CsvProgress}, keeping its place between ticks) and hands the curves to
 * {@link Asha}. Holds no decision itself: the loop passes those on record and saves the new ones
 * before it cancels anything, so a restarted agent, with a new instance, goes on from the record.
 */
public final class SweepWatch {
  private static final Logger log = LoggerFactory.getLogger(SweepWatch.class);

  /**
   * A trial as the loop knows it.
   *
   * @param running true while its train job is queued or running
   * @param epochs the epochs it trains in full
   * @param outputDir where its job writes its CSV log
   */
  public record Trial(String trialId, boolean running, int epochs, Path outputDir) {
    public Trial {
      Objects.requireNonNull(trialId, "trialId");
      Objects.requireNonNull(outputDir, "outputDir");
    }
  }

  private final CsvProgress progress = new CsvProgress();

  /** Each trial's epochs completed as its log showed them at the last tick. */
  private final Map<String, Integer> epochsDone = new HashMap<>();

  /**
   * The new decisions for one task's trials.
   *
   * @param trials every trial of the task, whatever its state
   * @param onRecord the decisions already saved for these trials
   * @param now the loop's clock
   */
  public List<RungDecision> tick(
      Policy policy, List<Trial> trials, List<RungDecision> onRecord, Instant now) {
    List<TrialCurve> curves = new ArrayList<>();
    for (Trial t : trials) {
      TrialCurve curve =
          new TrialCurve(t.trialId(), t.running(), t.epochs(), read(t, policy.metric()));
      epochsDone.put(t.trialId(), curve.epochsDone());
      curves.add(curve);
    }
    return Asha.decide(policy, curves, onRecord, now);
  }

  /** The epochs a trial had completed at the last tick that read its log; 0 before. */
  public int epochsDone(String trialId) {
    return epochsDone.getOrDefault(trialId, 0);
  }

  /** Forgets a trial's files once its run has ended. */
  public void forget(Trial trial) {
    progress.forget(trial.outputDir());
    epochsDone.remove(trial.trialId());
  }

  private SortedMap<Integer, Double> read(Trial t, String metric) {
    try {
      return progress.read(t.outputDir(), metric);
    } catch (IOException | RuntimeException e) {
      // a log that cannot be read is no progress: the trial is decided once it can be
      log.warn("trial {}: cannot read its CSV log: {}", t.trialId(), e.toString());
      return new TreeMap<>();
    }
  }
}
