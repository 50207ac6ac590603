package dev.cairn.agent;

import dev.cairn.CairnException;
import dev.cairn.Faults;
import dev.cairn.LogBudget;
import dev.cairn.Untrusted;
import dev.cairn.config.AgentSettings;
import dev.cairn.config.ExperimentConfig;
import dev.cairn.metrics.Metrics;
import dev.cairn.model.RunRequest;
import dev.cairn.model.RunState;
import dev.cairn.model.StoreKeys;
import dev.cairn.plan.RunPlan;
import dev.cairn.store.NotARegularFileException;
import dev.cairn.store.ObjectStore;
import dev.cairn.store.ObjectTooLargeException;
import dev.cairn.store.StoredObject;
import dev.cairn.trigger.RequestPoller;
import dev.cairn.trigger.SeedResolver;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds new requests (the queue, and the seed-style key where one is watched), claims each with a
 * conditional write so that no two agents run it, and records it as a received run with a copy of
 * its config in the run folder.
 */
final class Intake {
  private static final Logger log = LoggerFactory.getLogger(Intake.class);
  private final Metrics metrics;
  private final Faults faults;
  private final AgentSettings settings;
  private final ObjectStore store;
  private final RequestPoller poller;
  private final Optional<SeedResolver> seeds;
  private final RunBook book;
  private final Clock clock;
  private final Outage storeOutage;
  private final Claims claims;

  /** Queue entries another agent claimed: skipped without another claim attempt. */
  private final Set<String> foreign = new HashSet<>();

  private final LogBudget ignored;
  private final LogBudget received;
  private final Path markerFile;
  private final Path seedEtagFile;
  private @Nullable String seedEtag;
  private @Nullable String savedMarker;

  Intake(AgentParts parts, RunBook book, Outage storeOutage) throws IOException {
    this.settings = parts.settings();
    this.store = parts.store();
    this.seeds = parts.seeds();
    this.clock = parts.clock();
    this.poller = new RequestPoller(store, clock, null);
    this.ignored = LogBudget.perMinute(log, clock, "ignored requests");
    this.received = LogBudget.perMinute(log, clock, "received requests");
    this.markerFile = settings.stateDir().resolve("queue-marker");
    if (Files.isRegularFile(markerFile)) {
      poller.resumeAt(Files.readString(markerFile).strip());
    }
    this.book = book;
    this.storeOutage = storeOutage;
    this.metrics = parts.metrics();
    this.faults = parts.faults();
    this.claims = new Claims(store, clock, AgentIdentity.load(settings.stateDir()), faults);
    this.seedEtagFile = settings.stateDir().resolve("seed-etag");
    if (Files.exists(seedEtagFile)) {
      this.seedEtag = Files.readString(seedEtagFile).strip();
    }
  }

  /** Claims and records every new request. */
  void intake() {
    List<RequestPoller.Found> found;
    try {
      Set<String> known = book.all().stream().map(r -> r.queueKey()).collect(Collectors.toSet());
      found = new ArrayList<>(poller.poll(k -> known.contains(k) || foreign.contains(k)));
      storeOutage.recovered(log);
      metrics.polled();
      saveMarker();
    } catch (IOException e) {
      storeOutage.failed(log, e);
      return;
    }
    seed().ifPresent(found::add);
    for (RequestPoller.Found f : found) {
      metrics.progressed();
      // one bad request must not stop the loop: each has its own error boundary
      try {
        Run onRecord = book.runs(RunPlan.key(f.request().commit(), f.request().attemptOrFirst()));
        if (onRecord != null
            && onRecord.state() == RunState.RECEIVED
            && onRecord.verified() == null) {
          // the request on record for this attempt is not checked yet: if it fails provenance,
          // this one may take its place, so decide on the next pass
          continue;
        }
        String skip = skip(f.request(), f.config(), book.all());
        if (skip != null) {
          if (ignored.allow()) {
            log.warn("ignoring request {}: {}", Untrusted.forLog(f.queueKey()), skip);
          }
          foreign.add(f.queueKey());
          continue;
        }
        // with clusters routed, this agent claims its cluster's share, and only where it has one
        Set<String> clusters = ExperimentConfig.clustersNamedBy(f.config());
        String cluster = settings.cluster().name();
        if (!clusters.isEmpty() && !clusters.contains(cluster)) {
          if (ignored.allow()) {
            log.info(
                "request {} routes its trials to cluster(s) {}, not to {}; left to them",
                Untrusted.forLog(f.queueKey()),
                Untrusted.forLog(String.join(", ", clusters), 200),
                cluster);
          }
          foreign.add(f.queueKey());
          continue;
        }
        if (!claims.claim(f.request(), clusters.isEmpty() ? null : cluster)) {
          if (ignored.allow()) {
            log.info(
                "request {} is claimed by another agent; skipping", Untrusted.forLog(f.queueKey()));
          }
          foreign.add(f.queueKey());
          continue;
        }
        if (onRecord != null) {
          // a request that failed provenance gives way to the commit's genuine one
          foreign.add(onRecord.queueKey());
          Retention.dropFolder(onRecord, settings.workDir());
          if (received.allow()) {
            log.info(
                "request {} replaces {}, which failed before provenance proved anything",
                Untrusted.forLog(f.queueKey()),
                Untrusted.forLog(onRecord.queueKey()));
          }
        }
        Run run = receive(f, !clusters.isEmpty());
        book.add(run);
        faults.at("run-record");
        if (received.allow()) {
          log.info(
              "run {} received: commit {} on {} (attempt {})",
              run.runId(),
              Agent.shortSha(run.commit()),
              Untrusted.forLog(f.request().branch()),
              run.attempt());
        }
      } catch (ObjectTooLargeException | NotARegularFileException e) {
        if (ignored.allow()) {
          log.warn("ignoring request {}: {}", Untrusted.forLog(f.queueKey()), e.getMessage());
        }
        foreign.add(f.queueKey());
      } catch (IOException e) {
        storeOutage.failed(log, e);
        return;
      } catch (RuntimeException e) {
        if (ignored.allow()) {
          log.error("request {} could not be received; skipped", Untrusted.forLog(f.queueKey()), e);
        }
        foreign.add(f.queueKey());
      }
    }
    ignored.roll();
    received.roll();
  }

  /**
   * A new run for a request found in the store; {@code shared} where its config routes trials to
   * clusters, whose agents then agree on one run id through the store.
   */
  private Run receive(RequestPoller.Found found, boolean shared) throws IOException {
    RunRequest request = found.request();
    String commit = request.commit();
    int attempt = request.attemptOrFirst();
    // nothing of the request is trusted yet: the id takes the day from the agent's clock, and the
    // record and folder are keyed by the full commit and attempt
    String runId =
        RunPlan.runId(
            ExperimentConfig.experimentNameOf(found.config()), commit, clock.instant(), attempt);
    if (shared) {
      runId = agreedRunId(runId, commit, attempt);
    }
    Path runDir = settings.workDir().resolve("runs").resolve(RunPlan.key(commit, attempt));
    try {
      Files.createDirectories(runDir);
      Files.write(runDir.resolve("config.env"), found.config());
    } catch (IOException e) {
      throw new IllegalStateException(
          "cannot write the run folder " + runDir + ": " + e.getMessage(), e);
    }
    return new Run(
        runId,
        found.queueKey(),
        request,
        clock.instant().toString(),
        ExperimentConfig.sha256(found.config()),
        runDir.toString(),
        "received; waiting to be validated");
  }

  /**
   * The run id of a run shared by clusters: the first agent to receive it writes its own with a
   * conditional write, the others take that one, so every cluster's results land in one folder. A
   * value that is not an id of this commit and attempt (anyone can write the bucket) is ignored.
   */
  private String agreedRunId(String mine, String commit, int attempt) throws IOException {
    String key = StoreKeys.runIdKey(commit, attempt);
    if (!store.supportsConditionalWrites()
        || store.putIfAbsent(key, mine.getBytes(StandardCharsets.UTF_8))) {
      return mine;
    }
    Optional<StoredObject> agreed;
    try {
      agreed = store.get(key, 256);
    } catch (ObjectTooLargeException | NotARegularFileException e) {
      agreed = Optional.empty();
    }
    String suffix =
        "-" + (commit.length() > 12 ? commit.substring(0, 12) : commit) + "-a" + attempt;
    String id = agreed.map(o -> new String(o.content(), StandardCharsets.UTF_8).strip()).orElse("");
    if (id.matches("\\d{8}-[A-Za-z0-9][A-Za-z0-9._-]{0,160}") && id.endsWith(suffix)) {
      return id;
    }
    log.warn(
        "{} holds no run id of commit {} attempt {}; using {}",
        key,
        Agent.shortSha(commit),
        attempt,
        mine);
    return mine;
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
      if (seeds.isEmpty()) {
        log.warn(
            "{} changed, but without CAIRN_REPO_REMOTE the agent cannot tell which commit it is;"
                + " ignored",
            settings.seedKey());
        return Optional.empty();
      }
      var request = seeds.get().resolve(changed.get().content());
      if (request.isEmpty()) {
        log.warn(
            "{} changed but matches config/config.env at the head of none of {}; ignored",
            settings.seedKey(),
            settings.allowedBranches());
        return Optional.empty();
      }
      String key = "seed:" + settings.seedKey() + "@" + seedEtag;
      String commit = request.get().commit();
      if (book.all().stream().anyMatch(r -> r.commit().equals(commit) && r.attempt() == 1)) {
        return Optional.empty();
      }
      return Optional.of(new RequestPoller.Found(key, request.get(), changed.get().content()));
    } catch (IOException e) {
      storeOutage.failed(log, e);
      return Optional.empty();
    } catch (CairnException e) {
      log.warn("cannot resolve {}: {}", settings.seedKey(), e.getMessage());
      return Optional.empty();
    }
  }

  /** Compacts rejected runs and forgets the oldest beyond the retention limits. */
  void prune() {
    Retention.prune(book, settings.workDir(), poller.marker(), clock.instant());
  }

  /** Saves where the queue listing starts, so that a restart does not list the whole queue. */
  private void saveMarker() {
    String marker = poller.marker();
    if (marker == null || marker.equals(savedMarker)) {
      return;
    }
    try {
      Files.writeString(markerFile, marker);
      savedMarker = marker;
    } catch (IOException e) {
      log.warn("cannot save the queue marker {}: {}", markerFile, e.getMessage());
    }
  }

  /**
   * Why the loop must not take {@code request} on, or null when it may: a run of the same commit
   * and attempt exists already, or the request asks for a later attempt that follows no ended
   * attempt of that commit here (a rerun is asked with {@code ci submit --rerun} once the previous
   * attempt has ended, and its commit must still pass provenance). A request rejected before
   * provenance proved anything does not hold its attempt against one with another {@code config}:
   * anyone can write one before CI does.
   */
  static @Nullable String skip(RunRequest request, byte[] config, Collection<Run> runs) {
    int attempt = request.attemptOrFirst();
    String key = RunPlan.key(request.commit(), attempt);
    String sha = config == null ? null : ExperimentConfig.sha256(config);
    // a rejected request gives way only to one with another config: the same bytes fail again
    if (runs.stream()
        .anyMatch(
            r ->
                r.key().equals(key)
                    && (!Retention.failedUnproven(r) || Objects.equals(r.configSha256(), sha)))) {
      return "attempt " + attempt + " of commit " + request.commit() + " is on record already";
    }
    if (attempt > 1
        && runs.stream()
            .noneMatch(
                r ->
                    r.commit().equals(request.commit())
                        && r.attempt() == attempt - 1
                        && r.state().isTerminal()
                        && !Retention.failedUnproven(r))) {
      return "attempt "
          + attempt
          + " of commit "
          + request.commit()
          + " follows no ended attempt "
          + (attempt - 1)
          + " on this agent; reruns come from `agent.jar ci submit --rerun`";
    }
    return null;
  }
}
