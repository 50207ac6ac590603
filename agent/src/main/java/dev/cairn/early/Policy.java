package dev.cairn.early;

import dev.cairn.CairnException;
import dev.cairn.config.ExperimentConfig;
import dev.cairn.config.TaskDefinition;
import dev.cairn.terratorch.TerratorchMetrics;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * How one task's trials are early-stopped: the validation metric compared (under Cairn's name), its
 * direction, the first rung and the reduction factor eta.
 *
 * @param metric such as {@code val/mIoU}
 * @param minEpochs the first rung, in epochs
 * @param reduction eta: the top {@code floor(n / eta)} of a rung go on, at least one
 */
public record Policy(String metric, boolean higherIsBetter, int minEpochs, int reduction) {
  public Policy {
    if (minEpochs < 1 || reduction < 2) {
      throw new IllegalArgumentException(
          "minEpochs must be at least 1 and reduction at least 2: " + minEpochs + ", " + reduction);
    }
  }

  /**
   * The policy a validated config gives a task, checked against the TerraTorch version the site
   * runs: a metric that version does not log is refused with a message naming the fix.
   *
   * @param terratorchVersion the agent's {@code CAIRN_TERRATORCH_VERSION}; ignored for {@code
   *     TRAINER=demo}, whose metrics the config's own check knows
   */
  public static Policy of(ExperimentConfig config, TaskDefinition task, String terratorchVersion) {
    String metric = config.earlyStopMetric(task);
    if (config.trainer().equals("terratorch") && !task.metrics().isEmpty()) {
      String explicit = config.values().getOrDefault("EARLY_STOP_METRIC", "");
      TerratorchMetrics metrics = TerratorchMetrics.bundled();
      if (metrics.inVersion(task.metrics(), metric, terratorchVersion) == null) {
        throw new CairnException(
            "EARLY_STOP_METRIC"
                + (explicit.isEmpty()
                    ? " (empty: the validation form of " + task.gateKey() + ")"
                    : "=" + explicit)
                + ": TerraTorch "
                + terratorchVersion
                + " (the agent's CAIRN_TERRATORCH_VERSION) does not log "
                + metric
                + " for "
                + task.name()
                + "; set EARLY_STOP_METRIC to a metric that version logs, such as val/"
                + (task.metrics().equals("regression") ? "RMSE" : "mIoU")
                + ", or val/loss");
      }
    }
    return new Policy(
        metric,
        config.earlyStopHigherIsBetter(task),
        config.earlyStopMinEpochs(),
        config.earlyStopReduction());
  }

  /**
   * The rungs of a trial that trains {@code epochs} epochs: {@code minEpochs * eta^k} for k = 0, 1,
   * ... while below {@code epochs} (a rung at the last epoch would stop nothing).
   */
  public List<Integer> rungs(int epochs) {
    List<Integer> rungs = new ArrayList<>();
    for (long r = minEpochs; r < epochs; r *= reduction) {
      rungs.add((int) r);
    }
    return List.copyOf(rungs);
  }

  /** How many of {@code n} trials at a rung go on: {@code floor(n / eta)}, at least one. */
  public int keep(int n) {
    return Math.max(1, n / reduction);
  }

  /** Whether {@code a} is strictly better than {@code b}; a missing value (null) is the worst. */
  boolean better(@Nullable Double a, @Nullable Double b) {
    if (a == null) {
      return false;
    }
    if (b == null) {
      return true;
    }
    return higherIsBetter ? a > b : a < b;
  }
}
