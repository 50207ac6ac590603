package dev.cairn.agent;

import dev.cairn.Faults;
import dev.cairn.metrics.Metrics;
import dev.cairn.model.RunState;
import dev.cairn.plan.RunPlan;
import dev.cairn.publish.RunPublisher;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends a run whose jobs have all ended: collects metrics against the gates, decides the outcome,
 * publishes the results commit (retried every tick until it succeeds) and only then enters the
 * final state, so CI never sees an outcome without its results.
 */
final class Finisher {
  private static final Logger log = LoggerFactory.getLogger(Finisher.class);
  private final Metrics metrics;
  private final Faults faults;
  private final Plans plans;
  private final RunPublisher publisher;
  private final RunBook book;
  private final Clock clock;
  private final Shares shares;

  /**
   * @param publisher versioning of outputs, or {@link RunPublisher#NONE} to end runs without a
   *     results commit
   */
  Finisher(
      Plans plans,
      RunPublisher publisher,
      RunBook book,
      Clock clock,
      Metrics metrics,
      Faults faults,
      Shares shares) {
    this.shares = shares;
    this.metrics = metrics;
    this.faults = faults;
    this.plans = plans;
    this.publisher = publisher;
    this.book = book;
    this.clock = clock;
  }

  void finishIfDone(Run run) {
    if (run.state().isTerminal()
        || run.jobs().isEmpty()
        || !run.jobs().stream().allMatch(JobRun::isDone)) {
      return;
    }
    RunPlan plan = plans.of(run);
    if (run.state() != RunState.COLLECTING && run.state() != RunState.PUBLISHING) {
      run.collecting("collecting outputs");
      Outcome.collect(run, plan);
      Outcome.decide(run, plan.config().gateRule());
      faults.at("collect");
      book.save(run);
    }
    if (run.state() == RunState.COLLECTING) {
      run.publishing("publishing outputs", clock.instant().toString());
      book.save(run);
      faults.at("publishing");
    }
    RunShare share = run.share();
    if (share != null) {
      // a run of several clusters: this share ends, and the run publishes once every share has
      try {
        if (!shares.complete(run, plan)) {
          return;
        }
      } catch (Exception e) {
        if (e instanceof InterruptedException) {
          Thread.currentThread().interrupt();
        }
        log.warn(
            "run {}: ending its share failed, retrying next tick: {}", run.runId(), e.getMessage());
        run.says("ending this cluster's share failed, retrying: " + e.getMessage());
        book.save(run);
        return;
      }
    }
    if (publisher.publishes() && run.resultsCommit() == null) {
      long publishing = System.nanoTime();
      double uploaded = metrics.uploadedBytes();
      try {
        run.published(
            share == null
                ? publisher.publish(run.snapshot(plan.config()))
                : publisher.publishShared(run.snapshot(plan.config()), shares.ends(run, plan)));
        metrics.published(publishing, uploaded, true);
        faults.at("published");
        book.save(run);
      } catch (Exception e) {
        metrics.published(publishing, uploaded, false);
        if (e instanceof InterruptedException) {
          Thread.currentThread().interrupt();
        }
        log.warn("run {}: publishing failed, retrying next tick: {}", run.runId(), e.getMessage());
        run.says("publishing failed, retrying: " + e.getMessage());
        book.save(run);
        return;
      }
    }
    run.ended();
    book.save(run);
    faults.at("finished");
    log.info(
        "run {} {}: {}{}",
        run.runId(),
        run.state(),
        run.message(),
        run.resultsCommit() == null ? "" : "; results commit " + run.resultsCommit());
  }
}
