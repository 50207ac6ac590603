package dev.cairn.publish;

import dev.cairn.agent.JobRun;
import dev.cairn.agent.Run;
import dev.cairn.config.QualityGate;
import dev.cairn.plan.JobSpec;
import dev.cairn.plan.RunPlan;
import dev.cairn.report.Curves;
import dev.cairn.report.EpochRow;
import dev.cairn.report.RunHistory;
import dev.cairn.report.RunReport;
import dev.cairn.report.TrialResult;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.lib.Ref;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The report's view of a finished run: the agent's live run and plan turned into an immutable
 * {@link RunReport} (one trial per task), and its baseline read from the branch in Git.
 */
final class ReportInputs {
  private static final Logger log = LoggerFactory.getLogger(ReportInputs.class);
  /** The config key naming the run to compare with; not a parameter of the trials. */
  static final String BASELINE = "BASELINE";

  private ReportInputs() {}

  static RunReport of(Run run, RunPlan plan) {
    Map<String, String> params = new LinkedHashMap<>(plan.config().values());
    String baseline = params.remove(BASELINE);
    List<TrialResult> trials = new ArrayList<>();
    for (JobRun job : run.jobs) {
      JobSpec spec = plan.jobs().stream().filter(s -> s.task().name().equals(job.task)).findFirst().orElse(null);
      QualityGate gate = plan.config().gates().get(job.task);
      trials.add(new TrialResult(
          job.task, job.task, params, job.state.name(), job.metrics,
          gate == null ? null : gate.toString(), gate == null ? null : gate.metric(),
          gate == null || gate.operator().startsWith(">"), job.gatePassed,
          job.elapsedS, job.cpuS, job.gpus, plan.config().cpusPerJob(), job.maxRssMb, job.errTail,
          spec == null ? List.of() : curve(spec)));
    }
    String message = run.request.message();
    String subject = message == null ? null : message.lines().findFirst().orElse(null);
    return new RunReport(run.runId, run.commit(), null, run.request.branch(), run.outcome == null ? run.state.name() : run.outcome.name(),
        run.outcomeMessage, subject, run.finishedAt, baseline == null || baseline.isBlank() ? null : baseline, trials);
  }

  /** The job's curve from its output folder, else from Lightning's fit logs of TerraTorch runs. */
  private static List<EpochRow> curve(JobSpec spec) {
    try {
      List<EpochRow> rows = Curves.read(spec.outputDir());
      return rows.isEmpty() ? Curves.read(spec.runDir().resolve("lightning").resolve(spec.task().name())) : rows;
    } catch (IOException | RuntimeException e) {
      log.warn("run {}: cannot read the learning curve of {}: {}", spec.runId(), spec.task().name(), e.getMessage());
      return List.of();
    }
  }

  /** The run's baseline among the runs on the branch's head in the clone; null when none or unreadable. */
  static RunReport baseline(GitClone clone, String branch, RunReport run) {
    if (clone == null) {
      return null;
    }
    try {
      clone.fetch();
      Ref head = clone.repository().exactRef(GitClone.TRACKING + branch);
      return head == null ? null : RunHistory.baselineOf(run, RunHistory.read(clone.repository(), head.getObjectId()));
    } catch (IOException | RuntimeException e) {
      log.warn("run {}: cannot read earlier runs on {} for the report's baseline: {}", run.runId(), branch, e.getMessage());
      return null;
    }
  }
}
