package dev.cairn.plan;

import dev.cairn.config.ExperimentConfig;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What one validated config turns into: a run id, its folder and one job per trial (one per task
 * where the config does not sweep). Pure: the same inputs give the same plan.
 */
public record RunPlan(
    String runId,
    String commit,
    int attempt,
    Path runDir,
    ExperimentConfig config,
    List<JobSpec> jobs) {
  private static final DateTimeFormatter DAY =
      DateTimeFormatter.ofPattern("yyyyMMdd", Locale.ROOT).withZone(ZoneOffset.UTC);

  /**
   * The run id: {@code <day>-<experiment>-<commit12>-a<attempt>}, the day being the agent's UTC
   * clock when it received the request (never a time the request claims). Readable in {@code
   * results/}, sortable by day. Records and folders are keyed by {@link #key} instead, which holds
   * the full commit, so that no request can take over another's.
   */
  public static String runId(String experiment, String commit, Instant receivedAt, int attempt) {
    String shortSha = commit.length() > 12 ? commit.substring(0, 12) : commit;
    return DAY.format(receivedAt) + "-" + experiment + "-" + shortSha + "-a" + attempt;
  }

  /** What keys a run's record and folder: the full commit and the attempt. */
  public static String key(String commit, int attempt) {
    return commit + "-a" + attempt;
  }

  /** A plan whose run folder is {@code <workDir>/runs/<commit>-a<attempt>}. */
  public static RunPlan of(
      ExperimentConfig config, String commit, Instant receivedAt, int attempt, Path workDir) {
    return of(
        config,
        runId(config.experimentName(), commit, receivedAt, attempt),
        commit,
        attempt,
        workDir.resolve("runs").resolve(key(commit, attempt)));
  }

  /** The plan of a run whose id and folder are already chosen. */
  public static RunPlan of(
      ExperimentConfig config, String id, String commit, int attempt, Path runDir) {
    List<JobSpec> jobs = new ArrayList<>();
    for (Trial trial : Trials.of(config)) {
      String t = trial.id();
      jobs.add(
          new JobSpec(
              id,
              trial,
              trial.task(),
              1,
              runDir,
              runDir.resolve("scripts").resolve(t + ".sh"),
              runDir.resolve("out").resolve(t + ".out"),
              runDir.resolve("err").resolve(t + ".err"),
              runDir.resolve("predictions").resolve(t),
              runDir.resolve("checkpoints").resolve(t),
              config.splitsStages() ? JobSpec.TRAIN : JobSpec.ALL));
    }
    return new RunPlan(id, commit, attempt, runDir, config, List.copyOf(jobs));
  }
}
