package dev.cairn.agent;

import dev.cairn.collect.JobOutputs;
import dev.cairn.config.QualityGate;
import dev.cairn.plan.JobSpec;
import dev.cairn.plan.RunPlan;
import dev.cairn.publish.RunState;
import dev.cairn.scheduler.JobState;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** How a run whose jobs have all ended came out: metrics against quality gates, the final state. */
final class Outcome {
  private static final Logger log = LoggerFactory.getLogger(Outcome.class);

  private Outcome() {}

  /** Reads each job's metrics and resource figures and checks them against its quality gate. */
  static void collect(Run run, RunPlan plan) {
    for (JobRun job : run.jobs) {
      JobSpec spec = Plans.spec(plan, job);
      try {
        job.metrics = new LinkedHashMap<>(JobOutputs.metrics(spec.outputDir()));
        // where the scheduler has no accounting, the job's own measurements fill in
        JobOutputs.Usage usage = JobOutputs.usage(spec.outputDir());
        Double peak = JobOutputs.workloadFigure(spec.outputDir(), "peak_rss_mb");
        if (job.maxRssMb == null) {
          job.maxRssMb =
              max(usage == null ? null : usage.maxRssMb(), peak == null ? null : Math.round(peak));
        }
        if (usage != null) {
          job.cpuS = job.cpuS != null ? job.cpuS : usage.cpuS();
          job.elapsedS = job.elapsedS != null ? job.elapsedS : usage.elapsedS();
          if (usage.gpuSamples() > 0) {
            job.gpuUtilPct = usage.gpuUtilMean();
            job.gpuMemMb = usage.gpuMemMaxMb();
          }
        }
      } catch (IOException e) {
        log.warn("run {}: cannot read the metrics of {}: {}", run.runId, job.task, e.getMessage());
      }
      job.gpus = plan.config().gpusPerJob();
      if (job.state != JobState.COMPLETED) {
        job.errTail = JobOutputs.tail(spec.errFile(), 40);
      }
      if (job.state == JobState.COMPLETED) {
        Double value = job.metrics.get(job.gate.metric());
        job.gatePassed = value != null && job.gate.passes(value);
      }
    }
  }

  /** SUCCEEDED when every job completed and met its gate; otherwise FAILED with every reason. */
  static void decide(Run run) {
    List<String> problems = new ArrayList<>();
    for (JobRun job : run.jobs) {
      if (job.state != JobState.COMPLETED) {
        problems.add(
            job.task + " " + job.state + (job.reason == null ? "" : " (" + job.reason + ")"));
      } else if (Boolean.FALSE.equals(job.gatePassed)) {
        QualityGate gate = job.gate;
        Double value = job.metrics.get(gate.metric());
        problems.add(
            job.task
                + " missed its quality gate "
                + gate
                + " ("
                + gate.metric()
                + " = "
                + (value == null ? "not reported" : String.format(Locale.ROOT, "%.4f", value))
                + ")");
      }
    }
    run.outcome = problems.isEmpty() ? RunState.SUCCEEDED : RunState.FAILED;
    run.outcomeMessage =
        problems.isEmpty()
            ? run.jobs.size()
                + " of "
                + run.jobs.size()
                + " task(s) completed and met their quality gates"
            : String.join("; ", problems);
  }

  private static Long max(Long a, Long b) {
    if (a == null) {
      return b;
    }
    return b == null ? a : Math.max(a, b);
  }
}
