package dev.cairn.agent;

import dev.cairn.Json;
import dev.cairn.Untrusted;
import dev.cairn.config.AgentSettings;
import dev.cairn.publish.RunState;
import dev.cairn.publish.RunStatus;
import dev.cairn.scheduler.JobState;
import dev.cairn.scheduler.JobStatus;
import dev.cairn.scheduler.Scheduler;
import dev.cairn.scheduler.Schedulers;
import dev.cairn.store.ObjectStore;
import dev.cairn.store.ObjectTooLargeException;
import dev.cairn.store.StoredObject;
import dev.cairn.trigger.RequestPoller;
import dev.cairn.trigger.RunRequest;
import dev.cairn.trigger.SeedResolver;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reconcile loop. Each tick: find new requests, move every active run one step (validate, plan,
 * render, submit), ask each scheduler once for all active jobs, act on what ended (collect,
 * resubmit, publish), and write {@code status.json} for every run that changed. State is persisted
 * before and after each side effect, so a killed agent restarts into the same runs without
 * submitting any job twice.
 */
public final class Agent {
  private static final Logger log = LoggerFactory.getLogger(Agent.class);
  private final AgentSettings settings;
  private final ObjectStore store;
  private final Schedulers schedulers;
  private final RunRepository repository;
  private final RunDriver driver;
  private final RequestPoller poller;
  private final Clock clock;
  private final Map<String, Run> runs = new LinkedHashMap<>();

  /** Queue entries another agent claimed: skipped without another claim attempt. */
  private final Set<String> foreign = new HashSet<>();

  private final Outage storeOutage = new Outage("object store");
  private final Outage schedulerOutage = new Outage("scheduler");
  private Duration idleInterval;
  private final SeedResolver seeds;
  private final Path seedEtagFile;
  private String seedEtag;

  public Agent(
      AgentSettings settings,
      ObjectStore store,
      Schedulers schedulers,
      RunRepository repository,
      RunDriver driver,
      Clock clock,
      SeedResolver seeds)
      throws IOException {
    this.settings = settings;
    this.store = store;
    this.schedulers = schedulers;
    this.repository = repository;
    this.driver = driver;
    this.clock = clock;
    this.seeds = seeds;
    this.poller = new RequestPoller(store, clock, null);
    this.seedEtagFile = settings.stateDir().resolve("seed-etag");
    if (Files.exists(seedEtagFile)) {
      this.seedEtag = Files.readString(seedEtagFile).strip();
    }
    if (!store.supportsConditionalWrites()) {
      log.warn(
          "{} does not support conditional writes (If-None-Match): running in single-agent mode; "
              + "do not start a second agent on this store",
          store.describe());
    }
    this.idleInterval = settings.pollMin();
    for (Run run : repository.loadAll()) {
      runs.put(run.key(), run);
    }
    recoverSubmissions();
  }

  /** Runs ticks until interrupted or, when {@code untilIdle}, until no run is active. */
  public void loop(boolean untilIdle) throws InterruptedException {
    log.info(
        "agent watching {} every {}-{} s; {} run(s) on record, {} active",
        store.describe(),
        settings.pollMin().toSeconds(),
        settings.pollMax().toSeconds(),
        runs.size(),
        active().size());
    while (!Thread.currentThread().isInterrupted()) {
      boolean busy = tick();
      if (untilIdle && !busy) {
        return;
      }
      Thread.sleep(nextInterval(busy).toMillis());
    }
    throw new InterruptedException();
  }

  /** One pass of the loop; true while any run is active. */
  public boolean tick() throws InterruptedException {
    intake();
    cancelRequested();
    supersede();
    for (Run run : active()) {
      Run ahead = queuedBehind(run);
      if (ahead != null) {
        String waiting =
            "queued behind run " + ahead.runId + " (commit " + shortSha(ahead.commit()) + ")";
        if (!waiting.equals(run.message)) {
          run.message = waiting;
          save(run);
        }
        continue;
      }
      try {
        driver.advance(run, this::save);
      } catch (RuntimeException e) {
        // one run's trouble must not stop the daemon: log it and try again next tick
        log.error("run {}: unexpected error, retrying next tick", run.runId, e);
      }
    }
    pollSchedulers();
    for (Run run : active()) {
      try {
        driver.finishIfDone(run, this::save);
      } catch (RuntimeException e) {
        log.error("run {}: unexpected error while finishing, retrying next tick", run.runId, e);
      }
    }
    flushStatuses();
    return !active().isEmpty();
  }

  public Map<String, Run> runs() {
    return runs;
  }

  /** Runs someone asked to stop ({@code agent.jar cancel}): one HEAD per active run. */
  private void cancelRequested() throws InterruptedException {
    for (Run run : active()) {
      if (run.state == RunState.COLLECTING || run.state == RunState.PUBLISHING) {
        continue;
      }
      Optional<StoredObject> request;
      try {
        if (!store.exists(RunRequest.cancelKey(run.commit()))) {
          continue;
        }
        request = store.get(RunRequest.cancelKey(run.commit()), RunRequest.MAX_REQUEST_BYTES);
      } catch (ObjectTooLargeException e) {
        request = Optional.empty();
      } catch (IOException e) {
        storeOutage.failed(log, e);
        return;
      }
      String reason = "cancelled on request";
      if (request.isPresent()) {
        try {
          var node = Json.MAPPER.readTree(request.get().content());
          if (node.hasNonNull("by")) {
            reason += " by " + node.get("by").asText();
          }
          if (node.hasNonNull("reason") && !node.get("reason").asText().isBlank()) {
            reason += ": " + node.get("reason").asText();
          }
        } catch (IOException e) {
          // an unreadable request still cancels
        }
      }
      driver.cancel(run, Untrusted.oneLine(reason, 300), this::save);
      try {
        // done: a later rerun of the commit must not be cancelled by the same request
        store.delete(RunRequest.cancelKey(run.commit()));
      } catch (IOException e) {
        log.warn("run {}: cannot remove the cancel request: {}", run.runId, e.getMessage());
      }
    }
  }

  /**
   * Under {@code CAIRN_SUPERSEDE=latest}, a newer request on a branch cancels the older runs of
   * that branch that have not ended.
   */
  private void supersede() throws InterruptedException {
    if (!"latest".equals(settings.supersede())) {
      return;
    }
    for (Run older : active()) {
      Run newer = newestOnBranch(older);
      if (newer != older
          && !older.state.isTerminal()
          && older.state != RunState.PUBLISHING
          && older.state != RunState.COLLECTING) {
        driver.cancel(
            older,
            "superseded by commit " + newer.commit() + " on " + older.request.branch(),
            this::save);
      }
    }
  }

  private Run newestOnBranch(Run run) {
    Run newest = run;
    for (Run other : runs.values()) {
      if (Objects.equals(other.request.branch(), run.request.branch())
          && other.request.submittedAt() != null
          && other.request.submittedAt().compareTo(newest.request.submittedAt()) > 0) {
        newest = other;
      }
    }
    return newest;
  }

  /**
   * Under {@code CAIRN_SUPERSEDE=queue}, runs of one branch go one at a time in the order they were
   * submitted: the oldest unfinished run ahead of this one, or null when it may go.
   */
  private Run queuedBehind(Run run) {
    if (!"queue".equals(settings.supersede()) || run.state != RunState.RECEIVED) {
      return null;
    }
    Run ahead = null;
    for (Run other : active()) {
      if (other != run
          && Objects.equals(other.request.branch(), run.request.branch())
          && other.request.submittedAt().compareTo(run.request.submittedAt()) < 0
          && (ahead == null
              || other.request.submittedAt().compareTo(ahead.request.submittedAt()) < 0)) {
        ahead = other;
      }
    }
    return ahead;
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

  private void intake() {
    List<RequestPoller.Found> found;
    try {
      Set<String> known = runs.values().stream().map(r -> r.queueKey).collect(Collectors.toSet());
      found = poller.poll(k -> known.contains(k) || foreign.contains(k));
      storeOutage.recovered(log);
    } catch (IOException e) {
      storeOutage.failed(log, e);
      return;
    }
    found = new ArrayList<>(found);
    seed().ifPresent(found::add);
    for (RequestPoller.Found f : found) {
      // one bad request must not stop the loop: each has its own error boundary
      try {
        String skip = Intake.skip(f.request(), runs.values());
        if (skip != null) {
          log.warn("ignoring request {}: {}", Untrusted.forLog(f.queueKey()), skip);
          foreign.add(f.queueKey());
          continue;
        }
        if (!claim(f.request())) {
          log.info(
              "request {} is claimed by another agent; skipping", Untrusted.forLog(f.queueKey()));
          foreign.add(f.queueKey());
          continue;
        }
        Run run = driver.receive(f);
        runs.put(run.key(), run);
        save(run);
        log.info(
            "run {} received: commit {} on {} (attempt {})",
            run.runId,
            shortSha(run.commit()),
            Untrusted.forLog(f.request().branch()),
            run.attempt());
      } catch (IOException e) {
        storeOutage.failed(log, e);
        return;
      } catch (RuntimeException e) {
        log.error("request {} could not be received; skipped", Untrusted.forLog(f.queueKey()), e);
        foreign.add(f.queueKey());
      }
    }
  }

  /** The seed-style key, when it changed and matches a branch head. */
  private Optional<RequestPoller.Found> seed() {
    if (settings.seedKey().isEmpty()) {
      return Optional.empty();
    }
    try {
      var changed = poller.pollSeed(settings.seedKey(), seedEtag);
      if (changed.isEmpty()) {
        return Optional.empty();
      }
      seedEtag = changed.get().etag();
      Files.writeString(seedEtagFile, seedEtag);
      if (seeds == null) {
        log.warn(
            "{} changed, but without CAIRN_REPO_REMOTE the agent cannot tell which commit it is; ignored",
            settings.seedKey());
        return Optional.empty();
      }
      var request = seeds.resolve(changed.get().content());
      if (request.isEmpty()) {
        log.warn(
            "{} changed but matches config/config.env at the head of none of {}; ignored",
            settings.seedKey(),
            settings.allowedBranches());
        return Optional.empty();
      }
      String key = "seed:" + settings.seedKey() + "@" + seedEtag;
      if (runs.values().stream()
          .anyMatch(r -> r.commit().equals(request.get().commit()) && r.attempt() == 1)) {
        return Optional.empty();
      }
      return Optional.of(new RequestPoller.Found(key, request.get(), changed.get().content()));
    } catch (IOException e) {
      storeOutage.failed(log, e);
      return Optional.empty();
    } catch (dev.cairn.CairnException e) {
      log.warn("cannot resolve {}: {}", settings.seedKey(), e.getMessage());
      return Optional.empty();
    }
  }

  private boolean claim(RunRequest request) throws IOException {
    String key = RunRequest.claimKey(request.commit(), request.attemptOrFirst());
    if (!store.supportsConditionalWrites()) {
      return true;
    }
    byte[] claim =
        Json.MAPPER.writeValueAsBytes(
            Map.of("agent", hostName(), "at", clock.instant().toString()));
    return store.putIfAbsent(key, claim);
  }

  private void pollSchedulers() throws InterruptedException {
    Map<String, List<JobRun>> byScheduler = new HashMap<>();
    for (Run run : active()) {
      for (JobRun job : run.jobs) {
        if (job.schedulerId != null && !job.isDone()) {
          byScheduler.computeIfAbsent(job.scheduler, k -> new ArrayList<>()).add(job);
        }
      }
    }
    for (Map.Entry<String, List<JobRun>> e : byScheduler.entrySet()) {
      Scheduler scheduler = schedulers.get(e.getKey());
      List<String> ids = e.getValue().stream().map(j -> j.schedulerId).distinct().toList();
      Map<String, JobStatus> statuses;
      try {
        statuses = scheduler.status(ids);
        schedulerOutage.recovered(log);
      } catch (IOException e2) {
        schedulerOutage.failed(log, e2);
        continue;
      }
      for (Run run : active()) {
        driver.apply(run, statuses, this::save);
      }
    }
  }

  private void flushStatuses() {
    for (Run run : runs.values()) {
      if (!run.statusPending) {
        continue;
      }
      try {
        store.put(
            RunRequest.statusKey(run.commit()), Json.MAPPER.writeValueAsBytes(RunStatus.of(run)));
        run.statusPending = false;
        repository.save(run);
        storeOutage.recovered(log);
      } catch (IOException e) {
        storeOutage.failed(log, e);
        return;
      }
    }
  }

  private void save(Run run) {
    run.updatedAt = clock.instant().toString();
    run.statusPending = true;
    try {
      repository.save(run);
    } catch (IOException e) {
      // the state folder is local: failing to write it is fatal for safety
      throw new IllegalStateException("cannot persist run " + run.runId + ": " + e.getMessage(), e);
    }
  }

  /**
   * After a crash: jobs whose submission may or may not have gone through are looked up by name.
   */
  private void recoverSubmissions() {
    for (Run run : active()) {
      for (JobRun job : run.jobs) {
        if (job.submitting && job.schedulerId == null) {
          try {
            schedulers
                .get(job.scheduler)
                .findByName(job.jobName)
                .ifPresent(
                    id -> {
                      log.info(
                          "run {}: found {} submitted before the restart as job {}",
                          run.runId,
                          job.jobName,
                          id);
                      job.schedulerId = id;
                      job.state = JobState.PENDING;
                    });
            job.submitting = false;
            save(run);
          } catch (IOException e) {
            log.warn("run {}: cannot look up {} yet: {}", run.runId, job.jobName, e.getMessage());
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
          }
        }
      }
    }
  }

  private List<Run> active() {
    return runs.values().stream().filter(r -> !r.state.isTerminal()).toList();
  }

  static String shortSha(String sha) {
    return sha.length() > 8 ? sha.substring(0, 8) : sha;
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "unknown";
    }
  }
}
