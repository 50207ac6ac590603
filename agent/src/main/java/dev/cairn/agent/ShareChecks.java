package dev.cairn.agent;

import dev.cairn.Untrusted;
import dev.cairn.model.JobRecord;
import dev.cairn.model.JobState;
import dev.cairn.model.OutputEntry;
import dev.cairn.model.ShareRecord;
import dev.cairn.plan.JobSpec;
import dev.cairn.plan.RunPlan;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What another cluster's agent wrote of its share, checked against the run's plan before anything
 * of it is merged: that agent is trusted with its own trials' outcomes, never with which trials the
 * run has, what they are called, or how much text they carry. Pure: no store, no clock.
 */
final class ShareChecks {
  private ShareChecks() {}

  /**
   * Cluster {@code c}'s end record {@code r} as this agent takes it: its trials are exactly the
   * plan's trials for {@code c} (one it lacks ends FAILED), each output file belongs to one of
   * them, and its text is bounded to one line.
   */
  static ShareRecord checked(ShareRecord r, RunPlan plan, String c) {
    List<JobRecord> jobs = new ArrayList<>();
    for (JobRecord planned : planned(plan, c, Optional.of(r))) {
      jobs.add(
          planned.state().isTerminal()
              ? planned
              : failed(planned, "cluster " + c + " ended its share without this trial"));
    }
    List<String> trials = jobs.stream().map(JobRecord::trial).toList();
    Map<String, List<OutputEntry>> outputs = new LinkedHashMap<>();
    r.outputs()
        .forEach(
            (name, entries) ->
                outputs.put(
                    name,
                    entries.stream().filter(e -> trials.stream().anyMatch(e::ofTrial)).toList()));
    Map<String, String> files = new LinkedHashMap<>();
    r.files()
        .forEach(
            (name, text) -> {
              if (name.matches("(scripts|terratorch)/[A-Za-z0-9_.=+,@-]{1,200}")) {
                files.put(name, text);
              }
            });
    return new ShareRecord(
        r.schema(),
        r.commit(),
        r.attempt(),
        r.runId(),
        c,
        r.scheduler() == null ? null : Untrusted.oneLine(r.scheduler(), 40),
        r.state(),
        Untrusted.oneLine(r.message(), 1000),
        r.updatedAt(),
        jobs,
        Untrusted.oneLine(r.givenUp(), 1000),
        r.writtenBy(),
        outputs,
        files);
  }

  /**
   * The plan's trials for cluster {@code c}, each as {@code record} reports it where it does
   * (checked: same task, cluster set), else as planned and not started.
   */
  static List<JobRecord> planned(RunPlan plan, String c, Optional<ShareRecord> record) {
    List<JobRecord> jobs = new ArrayList<>();
    for (JobSpec spec : plan.jobs()) {
      if (!spec.trial().cluster().equals(c)) {
        continue;
      }
      JobRecord reported =
          record
              .flatMap(
                  r ->
                      r.jobs().stream()
                          .filter(j -> spec.trial().id().equals(j.trial()))
                          .filter(j -> spec.task().name().equals(j.task()))
                          .findFirst())
              .orElse(null);
      jobs.add(reported != null ? checked(reported, spec, c) : notStarted(spec, plan, c));
    }
    return jobs;
  }

  /** A trial as another agent reported it, with its text bounded and its plan's identity. */
  private static JobRecord checked(JobRecord j, JobSpec spec, String c) {
    Map<String, Double> metrics = new LinkedHashMap<>();
    j.metrics()
        .forEach(
            (k, v) -> {
              if (v != null && Double.isFinite(v) && metrics.size() < 200) {
                metrics.put(Untrusted.oneLine(k, 100), v);
              }
            });
    return j.toBuilder()
        .task(spec.task().name())
        .schedulerId(Untrusted.oneLine(j.schedulerId(), 64))
        .reason(Untrusted.oneLine(j.reason(), 1000))
        .metrics(metrics)
        .errTail(j.errTail() == null ? null : bounded(j.errTail(), 8000))
        .trial(spec.trial().id())
        .values(spec.trial().values())
        .resources(Plans.describe(spec.trial().resources()))
        .cluster(c)
        .build();
  }

  private static JobRecord notStarted(JobSpec spec, RunPlan plan, String c) {
    return JobRecord.builder(spec.task().name())
        .reason("waiting for cluster " + c)
        .gate(plan.config().gates().get(spec.task().name()))
        .trial(spec.trial().id())
        .values(spec.trial().values())
        .resources(Plans.describe(spec.trial().resources()))
        .stage(spec.stage())
        .cluster(c)
        .build();
  }

  static JobRecord failed(JobRecord j, String why) {
    return j.toBuilder().state(JobState.FAILED).reason(why).gatePassed(false).build();
  }

  private static String bounded(String text, int max) {
    return text.length() <= max ? text : text.substring(text.length() - max);
  }
}
