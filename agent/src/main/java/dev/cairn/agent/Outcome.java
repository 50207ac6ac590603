package dev.cairn.agent;

import dev.cairn.collect.JobOutputs;
import dev.cairn.config.QualityGate;
import dev.cairn.model.JobState;
import dev.cairn.model.RunState;
import dev.cairn.plan.JobSpec;
import dev.cairn.plan.RunPlan;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** How a run whose jobs have all ended came out: metrics against quality gates, the final state. */
final class Outcome {
  private static final Logger log = LoggerFactory.getLogger(Outcome.class);

  private Outcome() {}

  /** Reads each job's metrics and resource figures and checks them against its quality gate. */
  static void collect(Run run, RunPlan plan) {
    for (JobRun job : run.jobs()) {
      run.replace(job, collected(run, Plans.spec(plan, job), job));
    }
  }

  /** The job with its metrics, figures, err tail, notes and gate check read in. */
  private static JobRun collected(Run run, JobSpec spec, JobRun job) {
    JobRun next = job;
    try {
      next = next.measured(JobOutputs.metrics(spec.outputDir()));
      // where the scheduler has no accounting, the job's own measurements fill in
      JobOutputs.Usage usage = JobOutputs.usage(spec.outputDir());
      Double peak = JobOutputs.workloadFigure(spec.outputDir(), "peak_rss_mb");
      next =
          next.filledIn(
              null,
              null,
              max(usage == null ? null : usage.maxRssMb(), peak == null ? null : Math.round(peak)));
      if (usage != null) {
        next = next.filledIn(usage.cpuS(), usage.elapsedS(), null);
        if (usage.gpuSamples() > 0) {
          next = next.gpuUsage(usage.gpuUtilMean(), usage.gpuMemMaxMb());
        }
      }
    } catch (IOException e) {
      log.warn("run {}: cannot read the metrics of {}: {}", run.runId(), job.id(), e.getMessage());
    }
    next = next.ranOn(spec.trial().resources().gpus());
    if (next.state() != JobState.COMPLETED && next.state() != JobState.STOPPED) {
      next = next.errTail(JobOutputs.tail(spec.errFile(), 40));
    }
    if (next.state() == JobState.COMPLETED) {
      // a missing plot or a caveat of the data: said, but never a failed trial
      try {
        List<String> notes = JobOutputs.notes(spec.outputDir());
        if (!notes.isEmpty()) {
          next = next.explained("notes: " + String.join("; ", notes));
        }
      } catch (IOException e) {
        log.warn("run {}: cannot read the notes of {}: {}", run.runId(), job.id(), e.getMessage());
      }
      QualityGate gate = next.gate();
      Double value = gate == null ? null : next.metrics().get(gate.metric());
      next = next.gateChecked(gate != null && value != null && gate.passes(value));
    }
    return next;
  }

  /**
   * With {@code GATE_RULE=all}, SUCCEEDED when every trial completed and met its gate; with {@code
   * best}, when every task has at least one trial that did. Otherwise FAILED with the reasons. A
   * trial early stopping stopped is neither: it counts for no rule, and the message says how many.
   */
  static void decide(Run run, String gateRule) {
    if ("best".equals(gateRule)) {
      decideBest(run);
      return;
    }
    List<String> problems = new ArrayList<>();
    for (JobRun job : run.jobs()) {
      String problem = problem(job);
      if (problem != null) {
        problems.add(problem);
      }
    }
    RunState outcome = problems.isEmpty() ? RunState.SUCCEEDED : RunState.FAILED;
    String noun =
        run.jobs().stream().anyMatch(j -> j.trial() != null && !j.trial().equals(j.task()))
            ? " trial(s)"
            : " task(s)";
    long stopped = stoppedEarly(run.jobs());
    long ranToTheEnd = run.jobs().size() - stopped;
    run.decided(
        outcome,
        problems.isEmpty()
            ? (stopped == 0
                ? run.jobs().size()
                    + " of "
                    + run.jobs().size()
                    + noun
                    + " completed and met their quality gates"
                : ranToTheEnd
                    + " of "
                    + ranToTheEnd
                    + noun
                    + " that ran to the end completed and met their quality gates; "
                    + stopped
                    + " stopped early")
            : joinCapped(problems));
  }

  private static long stoppedEarly(List<JobRun> jobs) {
    return jobs.stream().filter(j -> j.state() == JobState.STOPPED).count();
  }

  /** Every task needs one trial that completed and met its gate; the others may fail. */
  private static void decideBest(Run run) {
    Map<String, List<JobRun>> byTask = new LinkedHashMap<>();
    run.jobs().forEach(j -> byTask.computeIfAbsent(j.task(), k -> new ArrayList<>()).add(j));
    List<String> problems = new ArrayList<>();
    List<String> best = new ArrayList<>();
    for (Map.Entry<String, List<JobRun>> e : byTask.entrySet()) {
      List<JobRun> passed =
          e.getValue().stream()
              .filter(j -> j.state() == JobState.COMPLETED && problem(j) == null)
              .toList();
      if (passed.isEmpty()) {
        problems.add(
            e.getKey()
                + ": none of "
                + e.getValue().size()
                + " trial(s) met the gate ("
                + problem(e.getValue().get(0))
                + (e.getValue().size() > 1 ? ", ..." : "")
                + ")");
      } else {
        best.add(e.getKey() + " " + passed.size() + "/" + e.getValue().size());
      }
    }
    RunState outcome = problems.isEmpty() ? RunState.SUCCEEDED : RunState.FAILED;
    run.decided(
        outcome,
        problems.isEmpty()
            ? "every task has a trial that met its quality gate (GATE_RULE=best; passing: "
                + String.join(", ", best)
                + ")"
            : joinCapped(problems));
  }

  private static String joinCapped(List<String> problems) {
    if (problems.size() <= 8) {
      return String.join("; ", problems);
    }
    return String.join("; ", problems.subList(0, 8))
        + "; and "
        + (problems.size() - 8)
        + " more (see summary.md)";
  }

  /**
   * Why one trial does not pass, or null when it completed and met its gate, or early stopping
   * stopped it (not a failure).
   */
  private static @Nullable String problem(JobRun job) {
    if (job.state() == JobState.STOPPED) {
      return null;
    }
    if (job.state() != JobState.COMPLETED) {
      return job.id() + " " + job.state() + (job.reason() == null ? "" : " (" + job.reason() + ")");
    }
    if (Boolean.FALSE.equals(job.gatePassed())) {
      QualityGate gate = job.gate();
      if (gate == null) {
        return job.id() + " failed a quality gate it no longer names";
      }
      Double value = job.metrics().get(gate.metric());
      return job.id()
          + " missed its quality gate "
          + gate
          + " ("
          + gate.metric()
          + " = "
          + (value == null ? "not reported" : String.format(Locale.ROOT, "%.4f", value))
          + ")";
    }
    return null;
  }

  private static @Nullable Long max(@Nullable Long a, @Nullable Long b) {
    if (a == null) {
      return b;
    }
    return b == null ? a : Math.max(a, b);
  }
}
