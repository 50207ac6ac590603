package dev.cairn.agent;

import dev.cairn.CairnException;
import dev.cairn.Faults;
import dev.cairn.config.ExperimentConfig;
import dev.cairn.config.TaskDefinition;
import dev.cairn.early.Policy;
import dev.cairn.early.Savings;
import dev.cairn.early.SweepWatch;
import dev.cairn.metrics.Metrics;
import dev.cairn.model.EarlyStopRecord;
import dev.cairn.model.JobState;
import dev.cairn.model.RunState;
import dev.cairn.model.RungDecision;
import dev.cairn.plan.JobSpec;
import dev.cairn.plan.RunPlan;
import dev.cairn.scheduler.Schedulers;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Early stopping in the loop ({@code EARLY_STOP=asha}): each tick, after the schedulers were asked,
 * reads every training trial's CSV log, lets {@link dev.cairn.early.Asha} decide the rungs newly
 * completed, saves the decisions with the run record, and only then stops the trials that fell
 * behind: their job alone is cancelled (an array's element by its own id), an evaluate job queued
 * behind it too, and the trial ends STOPPED with the rung, its metric and the cut-off.
 *
 * <p>Saving before cancelling makes a crash between the two harmless: a restarted agent finds the
 * decision on record with its trial still going and acts on it ({@link #settle}), and never decides
 * a trial and rung twice, since the decisions on record are Asha's input.
 */
final class EarlyStopping {
  private static final Logger log = LoggerFactory.getLogger(EarlyStopping.class);
  private final Plans plans;
  private final Schedulers schedulers;
  private final RunBook book;
  private final Metrics metrics;
  private final Faults faults;
  private final Clock clock;
  private final String terratorchVersion;

  /** Each active run's watch, by its key: a restarted agent starts new ones from the record. */
  private final Map<String, SweepWatch> watches = new HashMap<>();

  /** How many of each active run's jobs had ended when its record was last saved here. */
  private final Map<String, Long> endedAtLastSave = new HashMap<>();

  EarlyStopping(
      Plans plans,
      Schedulers schedulers,
      RunBook book,
      Metrics metrics,
      Faults faults,
      Clock clock,
      String terratorchVersion) {
    this.plans = plans;
    this.schedulers = schedulers;
    this.book = book;
    this.metrics = metrics;
    this.faults = faults;
    this.clock = clock;
    this.terratorchVersion = terratorchVersion;
  }

  /**
   * Checks that every task's metric can be early-stopped in the site's TerraTorch version; the
   * message names the key and the fix where it cannot.
   */
  void check(ExperimentConfig cfg) {
    if (cfg.earlyStops()) {
      cfg.tasks().forEach(t -> Policy.of(cfg, t, terratorchVersion));
    }
  }

  /** Drops the watches of runs no longer active. */
  void retain(List<Run> active) {
    Set<String> keys = active.stream().map(Run::key).collect(Collectors.toSet());
    watches.keySet().retainAll(keys);
    endedAtLastSave.keySet().retainAll(keys);
  }

  /** Decides the rungs the run's trials completed since the last tick, then acts on the stops. */
  void decide(Run run) throws InterruptedException {
    if (run.state() != RunState.SUBMITTED && run.state() != RunState.RUNNING) {
      return;
    }
    RunPlan plan = plans.of(run);
    ExperimentConfig cfg = plan.config();
    if (!cfg.earlyStops()) {
      return;
    }
    SweepWatch watch = watches.computeIfAbsent(run.key(), k -> new SweepWatch());
    List<EarlyStopRecord.Rule> rules = new ArrayList<>();
    List<RungDecision> made = new ArrayList<>();
    List<Savings.Effort> efforts = new ArrayList<>();
    boolean progressed = false;
    for (TaskDefinition task : cfg.tasks()) {
      List<JobRun> jobs = run.jobs().stream().filter(j -> j.task().equals(task.name())).toList();
      if (jobs.isEmpty()) {
        continue;
      }
      Policy policy;
      try {
        policy = Policy.of(cfg, task, terratorchVersion);
      } catch (CairnException e) {
        // checked when the run was prepared; an agent upgraded since then says so once a tick
        log.warn("run {}: {}: not early-stopped: {}", run.runId(), task.name(), e.getMessage());
        continue;
      }
      List<SweepWatch.Trial> trials = new ArrayList<>();
      int longest = 0;
      for (JobRun job : jobs) {
        JobSpec spec = Plans.spec(plan, job);
        int epochs = epochs(spec, cfg);
        longest = Math.max(longest, epochs);
        trials.add(new SweepWatch.Trial(job.id(), training(job), epochs, spec.outputDir()));
      }
      made.addAll(watch.tick(policy, trials, run.rungDecisions(), clock.instant()));
      for (int i = 0; i < jobs.size(); i++) {
        JobRun job = jobs.get(i);
        SweepWatch.Trial trial = trials.get(i);
        Integer before = job.epochsRun();
        int done = Math.max(watch.epochsDone(trial.trialId()), before == null ? 0 : before);
        if (before == null || before != done) {
          job = run.replace(job, job.progressed(done));
          progressed = true;
        }
        Long elapsed = job.elapsedS();
        efforts.add(
            new Savings.Effort(
                trial.epochs(),
                done,
                elapsed == null ? 0 : elapsed,
                job.state() == JobState.STOPPED));
      }
      rules.add(
          new EarlyStopRecord.Rule(
              task.name(), policy.metric(), policy.higherIsBetter(), policy.rungs(longest)));
    }
    List<RungDecision> all = new ArrayList<>(run.rungDecisions());
    all.addAll(made);
    Savings.Estimate saved = Savings.estimate(efforts);
    long planned = efforts.stream().mapToLong(Savings.Effort::epochsPlanned).sum();
    long ran = efforts.stream().mapToLong(Savings.Effort::epochsRun).sum();
    EarlyStopRecord next =
        new EarlyStopRecord(
            cfg.earlyStopMinEpochs(),
            cfg.earlyStopReduction(),
            rules,
            all,
            planned,
            ran,
            saved.secondsSpent(),
            saved.secondsSaved());
    // saved when a decision was made, an epoch completed or a trial ended: not for the seconds
    // alone, which grow every tick and would rewrite status.json each time
    long ended = run.jobs().stream().filter(JobRun::isDone).count();
    boolean changed =
        !made.isEmpty()
            || progressed
            || run.earlyStop() == null
            || ended != endedAtLastSave.getOrDefault(run.key(), -1L);
    if (!changed) {
      return;
    }
    endedAtLastSave.put(run.key(), ended);
    run.earlyStop(next);
    for (RungDecision d : made) {
      log.info(
          "run {}: {} at epoch {}: {} ({})",
          run.runId(),
          d.trialId(),
          d.rung(),
          d.stops() ? "stopped" : "goes on",
          d.describe(metricOf(rules, run, d.trialId())));
    }
    // the decisions are on record before any of them acts: see the class comment
    book.save(run);
    if (made.stream().anyMatch(RungDecision::stops)) {
      faults.at("rung-decided");
    }
    settle(run);
    endedAtLastSave.put(run.key(), run.jobs().stream().filter(JobRun::isDone).count());
  }

  /**
   * Acts on every stop on record whose trial still goes on: after {@link #decide}, or after a
   * restart that came between a decision and its cancel. The job is cancelled and the trial ends
   * STOPPED once the scheduler reports the job ended ({@link RetryPolicy}), so that its outputs are
   * whole when the run collects them; a trial with no job running stops at once. A trial that ended
   * meanwhile keeps how it ended.
   */
  void settle(Run run) throws InterruptedException {
    List<RungDecision> stops = run.rungDecisions().stream().filter(RungDecision::stops).toList();
    if (stops.isEmpty()) {
      return;
    }
    EarlyStopRecord early = run.earlyStop();
    List<EarlyStopRecord.Rule> rules = early == null ? List.of() : early.rules();
    boolean changed = false;
    for (RungDecision d : stops) {
      JobRun job =
          run.jobs().stream().filter(j -> j.id().equals(d.trialId())).findFirst().orElse(null);
      if (job == null || job.isDone() || job.stopping() != null) {
        continue;
      }
      List<String> ids = new ArrayList<>();
      if (job.schedulerId() != null) {
        ids.add(job.schedulerId());
      }
      if (job.evaluateId() != null) {
        ids.add(job.evaluateId());
      }
      if (!ids.isEmpty()) {
        try {
          schedulers.get(job.scheduler()).cancel(ids);
        } catch (IOException e) {
          // left on record: the next tick tries again
          log.warn(
              "run {}: cannot stop {} ({}): {}; trying again next tick",
              run.runId(),
              job.id(),
              ids,
              e.getMessage());
          continue;
        }
      }
      if (job.evaluateId() != null) {
        job = run.replace(job, job.evaluateCancelled());
      }
      String why =
          "stopped early: "
              + d.describe(metricOf(rules, run, job.id()))
              + (ids.isEmpty() ? "" : "; cancelled " + String.join(", ", ids));
      run.replace(job, job.schedulerId() == null ? job.stopped(why) : job.stopRequested(why));
      metrics.trialStopped(job.task());
      log.info("run {}: {}: {}", run.runId(), job.id(), why);
      changed = true;
    }
    if (changed) {
      run.says(RetryPolicy.progress(run));
      book.save(run);
    }
  }

  /** A trial trains while its train job (or its only job) has not ended. */
  private static boolean training(JobRun job) {
    return !job.isDone() && !JobSpec.EVALUATE.equals(job.stage());
  }

  private static int epochs(JobSpec spec, ExperimentConfig cfg) {
    String v = spec.trial().values().get("EPOCHS");
    return v != null ? Integer.parseInt(v) : cfg.epochs();
  }

  private static String metricOf(List<EarlyStopRecord.Rule> rules, Run run, String trialId) {
    String task =
        run.jobs().stream()
            .filter(j -> j.id().equals(trialId))
            .map(JobRun::task)
            .findFirst()
            .orElse("");
    return rules.stream()
        .filter(r -> r.task().equals(task))
        .map(EarlyStopRecord.Rule::metric)
        .findFirst()
        .orElse("metric");
  }
}
