package dev.cairn.publish;

import dev.cairn.config.QualityGate;
import dev.cairn.scheduler.JobState;
import java.util.List;
import java.util.Map;

/**
 * {@code runs/<commit>/status.json}: the contract with CI. Built from a run; holds no paths of the
 * cluster beyond the run id and no credentials.
 */
public record RunStatus(
    int schema,
    String commit,
    String runId,
    int attempt,
    RunState state,
    String message,
    String updatedAt,
    List<Job> jobs,
    String resultsCommit) {

  /**
   * One trial's line in the status (one task's where the config does not sweep).
   *
   * @param trial the trial's id, the task's name where the config does not sweep
   */
  public record Job(
      String task,
      String schedulerId,
      JobState state,
      String reason,
      int attempts,
      Integer exitCode,
      Long elapsedS,
      Long cpuS,
      Long maxRssMb,
      Long gpuUtilPct,
      Long gpuMemMb,
      Map<String, Double> metrics,
      String gate,
      Boolean gatePassed,
      List<Attempt> history,
      String errTail,
      String trial,
      Map<String, String> values,
      Map<String, String> resources) {

    /** A job of a run that does not sweep: the trial is the task. */
    public Job(
        String task,
        String schedulerId,
        JobState state,
        String reason,
        int attempts,
        Integer exitCode,
        Long elapsedS,
        Long cpuS,
        Long maxRssMb,
        Long gpuUtilPct,
        Long gpuMemMb,
        Map<String, Double> metrics,
        String gate,
        Boolean gatePassed,
        List<Attempt> history,
        String errTail) {
      this(
          task,
          schedulerId,
          state,
          reason,
          attempts,
          exitCode,
          elapsedS,
          cpuS,
          maxRssMb,
          gpuUtilPct,
          gpuMemMb,
          metrics,
          gate,
          gatePassed,
          history,
          errTail,
          task,
          Map.of(),
          Map.of());
    }

    /** The trial's id; the task's name in statuses written before sweeps. */
    public String id() {
      return trial != null ? trial : task;
    }
  }

  public static RunStatus of(RunRecord run) {
    List<Job> jobs =
        run.jobs().stream()
            .map(
                j ->
                    new Job(
                        j.task(),
                        j.schedulerId(),
                        j.state(),
                        j.reason(),
                        j.attempts(),
                        j.exitCode(),
                        j.elapsedS(),
                        j.cpuS(),
                        j.maxRssMb(),
                        j.gpuUtilPct(),
                        j.gpuMemMb(),
                        j.metrics(),
                        j.gate() == null ? null : j.gate().toString(),
                        j.gatePassed(),
                        j.history(),
                        j.errTail(),
                        j.trial(),
                        j.values(),
                        j.resources()))
            .toList();
    return new RunStatus(
        1,
        run.commit(),
        run.runId(),
        run.attempt(),
        run.state(),
        run.message(),
        run.updatedAt(),
        jobs,
        run.resultsCommit());
  }

  /** The metric a job's gate checks ({@code test/mIoU}), or null when it has no gate. */
  public static String gateMetric(Job job) {
    return job.gate() == null ? null : QualityGate.of(job.gate()).metric();
  }
}
