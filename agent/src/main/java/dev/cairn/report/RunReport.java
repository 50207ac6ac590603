package dev.cairn.report;

import dev.cairn.model.EarlyStopRecord;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A finished run as the report sees it: who asked, how it ended, and its trials. Built by the
 * publisher from the agent's run, or read back from a results commit's {@code run.json}.
 *
 * @param resultsCommit the results commit holding it; null while it is being published
 * @param subject the first line of the config commit's message
 * @param baseline the run the config asked to compare with ({@code BASELINE}), or null
 * @param earlyStop what early stopping did ({@code EARLY_STOP=asha}); null for a run without it
 */
public record RunReport(
    String runId,
    @Nullable String configCommit,
    @Nullable String resultsCommit,
    @Nullable String branch,
    @Nullable String state,
    @Nullable String message,
    @Nullable String subject,
    @Nullable String finishedAt,
    @Nullable String baseline,
    List<TrialResult> trials,
    @Nullable EarlyStopRecord earlyStop) {

  public RunReport {
    trials = trials == null ? List.of() : List.copyOf(trials);
  }

  /** A run without early stopping. */
  public RunReport(
      String runId,
      @Nullable String configCommit,
      @Nullable String resultsCommit,
      @Nullable String branch,
      @Nullable String state,
      @Nullable String message,
      @Nullable String subject,
      @Nullable String finishedAt,
      @Nullable String baseline,
      List<TrialResult> trials) {
    this(
        runId,
        configCommit,
        resultsCommit,
        branch,
        state,
        message,
        subject,
        finishedAt,
        baseline,
        trials,
        null);
  }

  public RunReport withResultsCommit(@Nullable String sha) {
    return new RunReport(
        runId,
        configCommit,
        sha,
        branch,
        state,
        message,
        subject,
        finishedAt,
        baseline,
        trials,
        earlyStop);
  }

  /** The tasks of the trials, in order of first appearance. */
  public List<String> tasks() {
    return trials.stream().map(TrialResult::task).distinct().toList();
  }

  /**
   * The trial of a task with the best headline metric among those that ran to the end (a trial
   * early stopping stopped is never the best), or null when the task has none.
   */
  public @Nullable TrialResult best(String task) {
    List<Leaderboard.Row> rows = Leaderboard.rank(List.of(this)).get(task);
    return rows == null
        ? null
        : rows.stream()
            .map(Leaderboard.Row::trial)
            .filter(t -> !t.stopped())
            .findFirst()
            .orElse(null);
  }

  /** The trials early stopping stopped. */
  public long stopped() {
    return trials.stream().filter(TrialResult::stopped).count();
  }

  /**
   * GPU-hours (or CPU-hours where there were no GPUs) of every trial, summed; null when unknown.
   */
  public @Nullable Double cost() {
    Double sum = null;
    for (TrialResult t : trials) {
      Double c = t.cost();
      if (c != null) {
        sum = (sum == null ? 0 : sum) + c;
      }
    }
    return sum;
  }

  /** True when any trial ran on GPUs: its cost is in GPU-hours. */
  public boolean onGpus() {
    return trials.stream().anyMatch(t -> t.gpuHours() != null);
  }

  public String shortCommit() {
    return configCommit == null
        ? ""
        : configCommit.substring(0, Math.min(8, configCommit.length()));
  }
}
