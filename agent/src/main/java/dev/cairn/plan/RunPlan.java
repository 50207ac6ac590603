package dev.cairn.plan;

import dev.cairn.config.ExperimentConfig;
import dev.cairn.config.TaskDefinition;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What one validated config turns into: a run id, its folder and one job per task. Pure: the same
 * inputs give the same plan.
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
   * The run id: {@code <day>-<experiment>-<commit8>}, with {@code -a<n>} for a rerun of the same
   * commit. Readable in {@code results/}, sortable by day, unique per commit and attempt.
   */
  public static String runId(String experiment, String commit, Instant submitted, int attempt) {
    String shortSha = commit.length() > 8 ? commit.substring(0, 8) : commit;
    return DAY.format(submitted)
        + "-"
        + experiment
        + "-"
        + shortSha
        + (attempt > 1 ? "-a" + attempt : "");
  }

  public static RunPlan of(
      ExperimentConfig config, String commit, Instant submitted, int attempt, Path workDir) {
    String id = runId(config.experimentName(), commit, submitted, attempt);
    Path runDir = workDir.resolve("runs").resolve(id);
    List<JobSpec> jobs = new ArrayList<>();
    for (TaskDefinition task : config.tasks()) {
      String t = task.name();
      jobs.add(
          new JobSpec(
              id,
              task,
              1,
              runDir,
              runDir.resolve("scripts").resolve(t + ".sh"),
              runDir.resolve("out").resolve(t + ".out"),
              runDir.resolve("err").resolve(t + ".err"),
              runDir.resolve("predictions").resolve(t),
              runDir.resolve("checkpoints").resolve(t)));
    }
    return new RunPlan(id, commit, attempt, runDir, config, List.copyOf(jobs));
  }
}
