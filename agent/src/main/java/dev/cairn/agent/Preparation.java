package dev.cairn.agent;

import dev.cairn.CairnException;
import dev.cairn.Faults;
import dev.cairn.LogBudget;
import dev.cairn.Untrusted;
import dev.cairn.config.ConfigError;
import dev.cairn.config.ExperimentConfig;
import dev.cairn.plan.JobSpec;
import dev.cairn.plan.RunPlan;
import dev.cairn.plan.Trials;
import dev.cairn.trigger.RequestCheck;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A received run's first step: provenance, validation, plan and batch scripts. A run that fails any
 * of them is rejected with the reason; one that passes has its jobs and waits to be submitted.
 */
final class Preparation {
  private static final Logger log = LoggerFactory.getLogger(Preparation.class);
  private final Faults faults;
  private final EarlyStopping earlyStopping;
  private final Plans plans;
  private final RequestCheck check;
  private final RunBook book;
  private boolean checkFailedThisTick;
  private final LogBudget rejections;

  /**
   * @param check provenance check, or {@link RequestCheck#ACCEPT_ALL}
   */
  Preparation(
      Plans plans,
      RequestCheck check,
      RunBook book,
      Clock clock,
      Faults faults,
      EarlyStopping earlyStopping) {
    this.earlyStopping = earlyStopping;
    this.faults = faults;
    this.plans = plans;
    this.check = check;
    this.book = book;
    this.rejections = LogBudget.perMinute(log, clock, "rejected runs");
  }

  /** A new pass: the provenance check fetches once for all its requests. */
  void startTick() {
    check.refresh();
    checkFailedThisTick = false;
    rejections.roll();
  }

  void prepare(Run run) {
    byte[] config;
    try {
      config = Files.readAllBytes(Path.of(run.runDir()).resolve("config.env"));
    } catch (IOException e) {
      reject(run, "the run's config copy is unreadable: " + e.getMessage());
      return;
    }
    try {
      RequestCheck.Verdict verdict = check.check(run.request(), config);
      if (verdict.rejected()) {
        reject(run, Objects.requireNonNull(verdict.rejection()));
        return;
      }
      run.verified(verdict.commit());
    } catch (Exception e) {
      // the same failure (a fetch) for every request of the pass: one line, not one per request
      if (!checkFailedThisTick) {
        log.warn(
            "run {}: provenance check failed, retrying next tick: {}", run.runId(), e.getMessage());
      }
      checkFailedThisTick = true;
      return;
    }
    ExperimentConfig cfg;
    try {
      cfg = plans.parse(run, config);
    } catch (ConfigError e) {
      reject(run, String.join("; ", e.problems()));
      return;
    } catch (CairnException e) {
      reject(run, why(e));
      return;
    }
    try {
      Trials.checkLimit(cfg, plans.limits().maxTrials());
    } catch (CairnException e) {
      reject(run, why(e));
      return;
    }
    // what this cluster's login node finds wrong rejects a run of one cluster; with several, it
    // fails this cluster's trials and the others still run theirs
    String refusal = null;
    try {
      earlyStopping.check(cfg);
    } catch (CairnException e) {
      refusal = why(e);
    }
    if (refusal == null) {
      List<String> problems = plans.preflight(run, cfg);
      if (!problems.isEmpty()) {
        refusal = "preflight: " + String.join("; ", problems);
      }
    }
    if (refusal != null && !cfg.routesClusters()) {
      reject(run, refusal);
      return;
    }
    RunPlan plan = plans.of(run, cfg);
    faults.at("plan");
    // with clusters routed, this agent renders and runs only its cluster's share
    List<JobSpec> share = plan.jobs().stream().filter(plans::runsHere).toList();
    if (share.isEmpty()) {
      leave(run, cfg);
      return;
    }
    try {
      for (JobSpec spec : refusal == null ? share : List.<JobSpec>of()) {
        plans.writeScript(run, spec);
        if (spec.stage().equals(JobSpec.TRAIN)) {
          plans.writeScript(run, Plans.evaluate(plan, spec));
        }
      }
    } catch (CairnException | IOException e) {
      reject(run, "cannot render the batch scripts: " + e.getMessage());
      return;
    }
    faults.at("render");
    String scheduler = plans.scheduler(cfg);
    List<JobRun> jobs = new ArrayList<>();
    for (JobSpec spec : share) {
      jobs.add(
          JobRun.planned(
                  spec.task().name(),
                  spec.trial().id(),
                  spec.trial().values(),
                  Plans.describe(spec.trial().resources()),
                  scheduler,
                  spec.jobName(),
                  spec.stage(),
                  cfg.gates().get(spec.task().name()))
              .onCluster(spec.trial().cluster()));
    }
    if (refusal != null) {
      String why = "cluster " + plans.cluster().name() + " refused its share: " + refusal;
      jobs.replaceAll(j -> j.failed(why));
      if (rejections.allow()) {
        log.warn("run {}: {}", run.runId(), Untrusted.forLog(why, 1000));
      }
    }
    run.prepared(scheduler, jobs);
    if (cfg.routesClusters()) {
      run.shares(RunShare.of(plans.cluster().name(), plan));
    }
    run.planned(
        "submitting "
            + run.jobs().size()
            + " job(s) to "
            + scheduler
            + (cfg.routesClusters() ? " on cluster " + plans.cluster().name() : ""));
    book.save(run);
    log.info(
        "run {}: {} trial(s) of {} task(s) planned for {}{}",
        run.runId(),
        run.jobs().size(),
        cfg.tasks().size(),
        scheduler,
        cfg.routesClusters()
            ? " on cluster " + plans.cluster().name() + " (" + plan.jobs().size() + " in all)"
            : "");
  }

  /**
   * A run that routes none of its trials to this agent's cluster (its config names the cluster only
   * for a model or task it does not run): ended here without a word in the store (its status is
   * never written), so the clusters that do run it report it.
   */
  private void leave(Run run, ExperimentConfig cfg) {
    log.info(
        "run {}: no trial routed to cluster {} ({}); left to the clusters it names",
        run.runId(),
        plans.cluster().name(),
        cfg.tasks().size() + " task(s)");
    run.shares(RunShare.none(plans.cluster().name()));
    run.cancelled("no trial is routed to cluster " + plans.cluster().name());
    book.save(run);
  }

  /** What a refusal says, or its kind where it says nothing. */
  private static String why(CairnException e) {
    return Objects.requireNonNullElse(e.getMessage(), e.getClass().getSimpleName());
  }

  private void reject(Run run, String reason) {
    run.rejected(reason);
    book.save(run);
    if (rejections.allow()) {
      log.warn("run {} rejected: {}", run.runId(), Untrusted.forLog(reason, 1000));
    }
  }
}
