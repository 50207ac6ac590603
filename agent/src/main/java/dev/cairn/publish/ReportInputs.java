package dev.cairn.publish;

import dev.cairn.config.QualityGate;
import dev.cairn.git.GitClone;
import dev.cairn.model.JobRecord;
import dev.cairn.model.JobState;
import dev.cairn.model.RunRecord;
import dev.cairn.report.Curves;
import dev.cairn.report.EpochRow;
import dev.cairn.report.RunHistory;
import dev.cairn.report.RunReport;
import dev.cairn.report.TrialResult;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.Ref;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The report's view of a finished run: its record turned into a {@link RunReport} (one trial per
 * task), and its baseline read from the branch in the agent's clone.
 */
final class ReportInputs {
  private static final Logger log = LoggerFactory.getLogger(ReportInputs.class);

  /** The config key naming the run to compare with; not a parameter of the trials. */
  static final String BASELINE = "BASELINE";

  private ReportInputs() {}

  static RunReport of(RunRecord run) {
    Map<String, String> params =
        new LinkedHashMap<>(run.config() == null ? Map.of() : run.config().values());
    String baseline = params.remove(BASELINE);
    // the demo trainer computes on CPUs whatever the job asked for: bill it in CPU-hours
    boolean cpuOnly = run.config() != null && "demo".equals(run.config().trainer());
    List<TrialResult> trials = new ArrayList<>();
    for (JobRecord job : run.jobs()) {
      QualityGate gate = job.gate();
      // a trial of a sweep ran with its own values of the swept keys
      Map<String, String> values = new LinkedHashMap<>(params);
      values.putAll(job.values());
      trials.add(
          TrialResult.builder(job.trial(), job.task(), job.state().name())
              .params(values)
              .metrics(job.metrics())
              .gate(gate == null ? null : gate.toString())
              .gateMetric(gate == null ? null : gate.metric())
              .higherIsBetter(gate == null || gate.operator().startsWith(">"))
              .passed(job.gatePassed())
              .elapsedS(job.elapsedS())
              .cpuSeconds(job.cpuS())
              .gpus(cpuOnly ? Integer.valueOf(0) : job.gpus())
              .cpus(run.config() == null ? null : run.config().cpusPerJob())
              .maxRssMb(job.maxRssMb())
              .errTail(job.errTail())
              .curve(curve(run, job.trial()))
              .notes(job.state() == JobState.COMPLETED ? job.reason() : null)
              .cluster(job.cluster())
              .build());
    }
    RunRecord.Verified verified = run.verified();
    String subject = verified == null ? null : verified.subject();
    return new RunReport(
        run.runId(),
        run.commit(),
        null,
        verified == null ? null : verified.branch(),
        (run.outcome() == null ? run.state() : run.outcome()).name(),
        run.outcomeMessage(),
        subject == null ? null : subject.lines().findFirst().orElse(null),
        run.finishedAt(),
        baseline == null || baseline.isBlank() ? null : baseline,
        trials,
        run.earlyStop());
  }

  /** The job's curve from its output folder, else from Lightning's fit logs of TerraTorch runs. */
  private static List<EpochRow> curve(RunRecord run, String task) {
    Path runDir = java.util.Objects.requireNonNull(run.runDir(), "a run without its folder");
    try {
      List<EpochRow> rows = Curves.read(runDir.resolve("predictions").resolve(task));
      return rows.isEmpty() ? Curves.read(runDir.resolve("lightning").resolve(task)) : rows;
    } catch (IOException | RuntimeException e) {
      log.warn(
          "run {}: cannot read the learning curve of {}: {}", run.runId(), task, e.getMessage());
      return List.of();
    }
  }

  /**
   * The run's baseline among the runs at the head of the branch in the clone; null when there is
   * none or the clone cannot be read.
   */
  static @Nullable RunReport baseline(@Nullable GitClone clone, String branch, RunReport run) {
    if (clone == null) {
      return null;
    }
    try {
      clone.fetch();
      Ref head = clone.repository().exactRef(Constants.R_REMOTES + "origin/" + branch);
      return head == null
          ? null
          : RunHistory.baselineOf(run, RunHistory.read(clone.repository(), head.getObjectId()));
    } catch (IOException | RuntimeException e) {
      log.warn(
          "run {}: cannot read earlier runs on {} for the report's baseline: {}",
          run.runId(),
          branch,
          e.getMessage());
      return null;
    }
  }
}
