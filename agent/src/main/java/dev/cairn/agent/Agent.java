package dev.cairn.agent;

import dev.cairn.Faults;
import dev.cairn.config.AgentSettings;
import dev.cairn.metrics.Metrics;
import dev.cairn.model.RunState;
import dev.cairn.scheduler.JobStatus;
import dev.cairn.scheduler.Schedulers;
import dev.cairn.store.ObjectStore;
import dev.cairn.trigger.Announcements;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reconcile loop. Each tick: find new requests, move every active run one step (validate, plan,
 * render, submit), ask each scheduler once for all active jobs, stop the trials that fell behind at
 * a rung (with {@code EARLY_STOP=asha}), act on what ended (collect, resubmit, publish), and write
 * {@code status.json} for every run that changed. State is persisted before and after each side
 * effect, so a killed agent restarts into the same runs without submitting any job twice.
 */
public final class Agent {
  private static final Logger log = LoggerFactory.getLogger(Agent.class);
  private final AgentSettings settings;
  private final ObjectStore store;
  private final Schedulers schedulers;
  private final RunBook book;
  private final Intake intake;
  private final Cancellation cancellation;
  private final Superseding superseding;
  private final Preparation preparation;
  private final Submitter submitter;
  private final RetryPolicy retries;
  private final Finisher finisher;
  private final EarlyStopping earlyStopping;
  private final Shares shares;
  private final StatusWriter statuses;
  private final Outage schedulerOutage = new Outage("scheduler");
  private final Telemetry telemetry;
  private final Announcer announcer;
  private final Metrics metrics;
  private final Faults faults;
  private final CountDownLatch stop = new CountDownLatch(1);

  /** Released by {@link #wake} and {@link #stop}: ends the wait between two ticks early. */
  private final Semaphore wakeUp = new Semaphore(0);

  private Duration idleInterval;
  private boolean telemetryFailing;

  public Agent(AgentParts parts) throws IOException {
    this.settings = parts.settings();
    this.store = parts.store();
    this.schedulers = parts.schedulers();
    Clock clock = parts.clock();
    Outage storeOutage = new Outage("object store");
    Plans plans =
        new Plans(
            parts.renderer(), parts.commitRenderers(), settings.sweepLimits(), settings.cluster());
    this.book = new RunBook(parts.repository(), clock, parts.observer());
    this.intake = new Intake(parts, book, storeOutage);
    this.cancellation = new Cancellation(store, schedulers, book, storeOutage);
    this.superseding = new Superseding(settings.supersede(), book, cancellation, parts.check());
    this.metrics = parts.metrics();
    this.faults = parts.faults();
    this.earlyStopping =
        new EarlyStopping(
            plans, schedulers, book, metrics, faults, clock, settings.terratorchVersion());
    this.preparation = new Preparation(plans, parts.check(), book, clock, faults, earlyStopping);
    Stages stages = new Stages(plans, schedulers, book);
    this.submitter = new Submitter(plans, schedulers, book, stages, metrics, faults);
    this.retries = new RetryPolicy(plans, schedulers, book, stages, metrics, faults);
    this.shares =
        new Shares(
            store,
            parts.publisher(),
            plans,
            book,
            clock,
            AgentIdentity.load(settings.stateDir()),
            c -> Announcements.lastSeen(store, c),
            faults);
    this.finisher = new Finisher(plans, parts.publisher(), book, clock, metrics, faults, shares);
    this.statuses =
        new StatusWriter(
            store, book, storeOutage, metrics, faults, new ShareStatuses(store, shares, plans));
    this.telemetry = new Telemetry(book, metrics);
    this.announcer = new Announcer(store, schedulers, clock, settings);
    if (!store.supportsConditionalWrites()) {
      log.warn(
          "{} does not support conditional writes (If-None-Match): running in single-agent mode; "
              + "do not start a second agent on this store",
          store.describe());
    }
    this.idleInterval = settings.pollMin();
    try {
      submitter.recover(book.active());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Runs ticks until interrupted or, when {@code untilIdle}, until no run is active. */
  public void loop(boolean untilIdle) throws InterruptedException {
    log.info(
        "agent watching {} every {}-{} s; {} run(s) on record, {} active",
        store.describe(),
        settings.pollMin().toSeconds(),
        settings.pollMax().toSeconds(),
        book.all().size(),
        book.active().size());
    while (!Thread.currentThread().isInterrupted() && !stopping()) {
      boolean busy = tick();
      if (untilIdle && !busy) {
        return;
      }
      if (wakeUp.tryAcquire(nextInterval(busy).toMillis(), TimeUnit.MILLISECONDS)) {
        // wake-ups that came while waiting or ticking are answered by this one tick
        wakeUp.drainPermits();
        if (stopping()) {
          break;
        }
        log.debug("woken before the poll interval ended: polling now");
      }
    }
    throw new InterruptedException("the agent was asked to stop");
  }

  /**
   * Asks the loop to stop after the step it is in: no interrupt reaches the step itself, so a push
   * or a file write in progress ends normally and the run resumes from there on the next start.
   */
  public void stop() {
    stop.countDown();
    wakeUp.release();
    faults.stopAsked();
  }

  /**
   * Ends the wait before the next tick (the webhook calls this): the loop polls at once, or right
   * after the tick in progress, which may have listed the bucket before the request landed. Calls
   * that come together cost one tick.
   */
  public void wake() {
    wakeUp.release();
  }

  private boolean stopping() {
    return stop.getCount() == 0;
  }

  /** One pass of the loop; true while any run is active. */
  public boolean tick() throws InterruptedException {
    long started = System.nanoTime();
    preparation.startTick();
    intake.intake();
    cancellation.cancelRequested();
    superseding.supersede();
    earlyStopping.retain(book.active());
    for (Run run : book.active()) {
      if (stopping()) {
        break;
      }
      Run ahead = superseding.queuedBehind(run);
      if (ahead != null) {
        waitBehind(run, ahead);
        continue;
      }
      metrics.progressed();
      try {
        // a stop on record acts before anything is submitted for its trial
        earlyStopping.settle(run);
        // a share another agent gave up stops here
        shares.watch(run, cancellation);
        advance(run);
      } catch (IOException e) {
        log.warn(
            "run {}: cannot read its share's end record, retrying next tick: {}",
            run.runId(),
            e.getMessage());
      } catch (RuntimeException e) {
        // one run's trouble must not stop the daemon: log it and try again next tick
        log.error("run {}: unexpected error, retrying next tick", run.runId(), e);
      }
    }
    if (!stopping()) {
      pollSchedulers();
    }
    for (Run run : book.active()) {
      if (stopping()) {
        break;
      }
      try {
        earlyStopping.decide(run);
      } catch (RuntimeException e) {
        log.error("run {}: unexpected error in early stopping, retrying next tick", run.runId(), e);
      }
    }
    for (Run run : book.active()) {
      if (stopping()) {
        break;
      }
      try {
        finisher.finishIfDone(run);
      } catch (RuntimeException e) {
        log.error("run {}: unexpected error while finishing, retrying next tick", run.runId(), e);
      }
    }
    statuses.flush();
    intake.prune();
    try {
      telemetry.afterTick(started);
      telemetryFailing = false;
    } catch (RuntimeException e) {
      // metrics are a view of the loop, never a reason to stop it
      if (!telemetryFailing) {
        log.error("metrics could not be updated; the loop goes on", e);
      }
      telemetryFailing = true;
      metrics.tick(started);
    }
    announcer.announceIfDue();
    return !book.active().isEmpty();
  }

  /** Every run the agent knows, by its commit and attempt, oldest first. */
  public Map<String, Run> runs() {
    Map<String, Run> runs = new LinkedHashMap<>();
    book.all().forEach(r -> runs.put(r.key(), r));
    return runs;
  }

  /** Short while runs are active; doubling up to the maximum while idle. */
  public Duration nextInterval(boolean busy) {
    if (busy) {
      idleInterval = settings.pollMin();
      return settings.pollMin();
    }
    Duration current = idleInterval;
    Duration doubled = idleInterval.multipliedBy(2);
    idleInterval = doubled.compareTo(settings.pollMax()) > 0 ? settings.pollMax() : doubled;
    return current;
  }

  private void advance(Run run) throws InterruptedException {
    if (run.state() == RunState.RECEIVED) {
      preparation.prepare(run);
    }
    if (run.state() == RunState.SUBMITTED || run.state() == RunState.RUNNING) {
      submitter.submitDue(run);
    }
  }

  private void waitBehind(Run run, Run ahead) {
    String waiting =
        "queued behind run " + ahead.runId() + " (commit " + shortSha(ahead.commit()) + ")";
    if (!waiting.equals(run.message())) {
      run.says(waiting);
      book.save(run);
    }
  }

  /** One status query per scheduler for every active job of every run. */
  private void pollSchedulers() throws InterruptedException {
    Map<String, List<JobRun>> byScheduler = new HashMap<>();
    for (Run run : book.active()) {
      for (JobRun job : run.jobs()) {
        if (job.schedulerId() != null && !job.isDone()) {
          byScheduler.computeIfAbsent(job.scheduler(), k -> new ArrayList<>()).add(job);
        }
      }
    }
    for (Map.Entry<String, List<JobRun>> e : byScheduler.entrySet()) {
      List<String> ids = e.getValue().stream().map(j -> j.schedulerId()).distinct().toList();
      Map<String, JobStatus> answers;
      try {
        answers = schedulers.get(e.getKey()).status(ids);
        schedulerOutage.recovered(log);
        metrics.schedulerPolled(e.getKey(), null);
      } catch (IOException e2) {
        schedulerOutage.failed(log, e2);
        metrics.schedulerPolled(e.getKey(), e.getKey() + ": " + e2.getMessage());
        continue;
      }
      for (Run run : book.active()) {
        retries.apply(run, answers);
      }
    }
  }

  static String shortSha(String sha) {
    return sha.length() > 8 ? sha.substring(0, 8) : sha;
  }
}
