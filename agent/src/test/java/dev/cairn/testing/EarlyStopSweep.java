package dev.cairn.testing;

import dev.cairn.config.QualityGate;
import dev.cairn.model.EarlyStopRecord;
import dev.cairn.model.JobRecord;
import dev.cairn.model.JobState;
import dev.cairn.model.RungDecision;
import dev.cairn.model.Verdict;
import dev.cairn.report.EpochRow;
import dev.cairn.report.RunReport;
import dev.cairn.report.TrialResult;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A sweep of nine trials of one task under early stopping (eta 3, rungs at epochs 1, 3 and 9, 60 s
 * an epoch on one GPU each): six stopped at rung 1, two at rung 3, one trained its nine epochs and
 * passed its gate. Trial {@code i} (1 to 9) logs {@code val/mIoU = 0.27 + 0.03 i + 0.02 epoch}, so
 * the higher the trial the better. A stopped trial trains one epoch past its rung before the cancel
 * reaches its job, and logs it.
 */
public final class EarlyStopSweep {
  public static final String TASK = "crop_classification";
  public static final String METRIC = "val/mIoU";
  public static final String GATE = "test/mIoU>=0.5";
  public static final int EPOCHS = 9;
  public static final long SECONDS_PER_EPOCH = 60;
  public static final String WINNER = trial(9);

  private EarlyStopSweep() {}

  public static String trial(int i) {
    return TASK + "-lr" + i + "e-4";
  }

  public static String learningRate(int i) {
    return i + "e-4";
  }

  /** The rung that stopped trial {@code i}, or null for the one that ran to the end. */
  public static Integer stoppedAt(int i) {
    return i <= 6 ? Integer.valueOf(1) : i <= 8 ? Integer.valueOf(3) : null;
  }

  public static double validation(int i, int epoch) {
    return 0.27 + 0.03 * i + 0.02 * epoch;
  }

  /** The epochs trial {@code i} completed: one past its rung when stopped, else all nine. */
  public static int epochsRun(int i) {
    Integer rung = stoppedAt(i);
    return rung == null ? EPOCHS : rung + 1;
  }

  /** The decisions, as the loop made them: all nine at rung 1, then the three left at rung 3. */
  public static List<RungDecision> decisions() {
    List<RungDecision> d = new ArrayList<>();
    double cutoff1 = validation(7, 1);
    for (int i = 1; i <= 9; i++) {
      d.add(
          new RungDecision(
              trial(i),
              1,
              validation(i, 1),
              cutoff1,
              9,
              i <= 6 ? Verdict.STOP : Verdict.CONTINUE,
              "2026-12-07T10:0" + i + ":00Z"));
    }
    double cutoff3 = validation(9, 3);
    for (int i = 7; i <= 9; i++) {
      d.add(
          new RungDecision(
              trial(i),
              3,
              validation(i, 3),
              cutoff3,
              3,
              i <= 8 ? Verdict.STOP : Verdict.CONTINUE,
              "2026-12-07T10:2" + i + ":00Z"));
    }
    return d;
  }

  /** 81 epochs planned, 29 trained; 1740 s spent, 3120 s saved (52 epochs not run). */
  public static EarlyStopRecord record() {
    long run = 0;
    long notRun = 0;
    for (int i = 1; i <= 9; i++) {
      run += epochsRun(i);
      notRun += EPOCHS - epochsRun(i);
    }
    return new EarlyStopRecord(
        1,
        3,
        List.of(new EarlyStopRecord.Rule(TASK, METRIC, true, List.of(1, 3, 9))),
        decisions(),
        9L * EPOCHS,
        run,
        run * SECONDS_PER_EPOCH,
        notRun * SECONDS_PER_EPOCH);
  }

  /** The reason the agent gives a stopped trial. */
  public static String reason(int i) {
    RungDecision d =
        decisions().stream()
            .filter(x -> x.trialId().equals(trial(i)) && x.stops())
            .findFirst()
            .orElseThrow();
    return "stopped early: " + d.describe(METRIC) + "; cancelled 100_" + i;
  }

  public static Map<String, String> params(int i) {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("GEOFM", "prithvi_eo_v2_300");
    p.put("LEARNING_RATE", learningRate(i));
    p.put("SEED", "42");
    p.put("EPOCHS", Integer.toString(EPOCHS));
    return p;
  }

  /** The curve trial {@code i} logged: each epoch it trained. */
  public static List<EpochRow> curve(int i) {
    List<EpochRow> rows = new ArrayList<>();
    for (int e = 1; e <= epochsRun(i); e++) {
      rows.add(new EpochRow(e, Map.of(METRIC, validation(i, e), "train/loss", 1.0 / e)));
    }
    return rows;
  }

  /** The trials as the report sees them, with {@code gpus} GPUs and {@code cpus} CPUs each. */
  public static List<TrialResult> trials(int gpus, int cpus) {
    List<TrialResult> trials = new ArrayList<>();
    for (int i = 1; i <= 9; i++) {
      boolean stopped = stoppedAt(i) != null;
      Map<String, Double> metrics = new LinkedHashMap<>();
      metrics.put(METRIC, validation(i, epochsRun(i)));
      if (!stopped) {
        metrics.put("test/mIoU", 0.62);
      }
      trials.add(
          TrialResult.builder(trial(i), TASK, stopped ? "STOPPED" : "COMPLETED")
              .params(params(i))
              .metrics(metrics)
              .gate(GATE)
              .gateMetric("test/mIoU")
              .higherIsBetter(true)
              .passed(stopped ? null : Boolean.TRUE)
              .elapsedS(epochsRun(i) * SECONDS_PER_EPOCH)
              .gpus(gpus)
              .cpus(cpus)
              .maxRssMb(2048L)
              .curve(curve(i))
              .build());
    }
    return trials;
  }

  /** The run as its report sees it: one GPU and four CPUs per trial. */
  public static RunReport report(String runId) {
    return report(runId, 1, 4);
  }

  public static RunReport report(String runId, int gpus, int cpus) {
    return new RunReport(
        runId,
        "e5e5e5e5" + "0".repeat(32),
        null,
        "main",
        "SUCCEEDED",
        "1 of 1 trial(s) that ran to the end completed and met their quality gates; 8 stopped"
            + " early",
        "asha over nine learning rates",
        "2026-12-07T11:00:00Z",
        null,
        trials(gpus, cpus),
        record());
  }

  /** The trials as the run record and status.json hold them. */
  public static List<JobRecord> jobs() {
    List<JobRecord> jobs = new ArrayList<>();
    for (int i = 1; i <= 9; i++) {
      boolean stopped = stoppedAt(i) != null;
      Map<String, Double> metrics = new LinkedHashMap<>();
      metrics.put(METRIC, validation(i, epochsRun(i)));
      if (!stopped) {
        metrics.put("test/mIoU", 0.62);
      }
      Map<String, String> values = new LinkedHashMap<>();
      values.put("LEARNING_RATE", learningRate(i));
      jobs.add(
          JobRecord.builder(TASK)
              .schedulerId("100_" + i)
              .state(stopped ? JobState.STOPPED : JobState.COMPLETED)
              .reason(stopped ? reason(i) : null)
              .attempts(1)
              .exitCode(stopped ? null : Integer.valueOf(0))
              .elapsedS(epochsRun(i) * SECONDS_PER_EPOCH)
              .maxRssMb(2048L)
              .gpus(1)
              .metrics(metrics)
              .gate(QualityGate.of(GATE))
              .gatePassed(stopped ? null : Boolean.TRUE)
              .trial(trial(i))
              .values(values)
              .resources(Map.of("gpus", "1"))
              .stage("all")
              .epochsRun(epochsRun(i))
              .build());
    }
    return jobs;
  }
}
