package dev.cairn.agent;

import dev.cairn.CairnException;
import dev.cairn.Json;
import dev.cairn.Untrusted;
import dev.cairn.config.AgentSettings;
import dev.cairn.config.ExperimentConfig;
import dev.cairn.metrics.Metrics;
import dev.cairn.plan.RunPlan;
import dev.cairn.store.ObjectStore;
import dev.cairn.trigger.RequestPoller;
import dev.cairn.trigger.RunRequest;
import dev.cairn.trigger.SeedResolver;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds new requests (the queue, and the seed-style key where one is watched), claims each with a
 * conditional write so that no two agents run it, and records it as a received run with a copy of
 * its config in the run folder.
 */
final class Intake {
  private static final Logger log = LoggerFactory.getLogger(Intake.class);
  private final AgentSettings settings;
  private final ObjectStore store;
  private final RequestPoller poller;
  private final SeedResolver seeds;
  private final RunBook book;
  private final Clock clock;
  private final Outage storeOutage;

  /** Queue entries another agent claimed: skipped without another claim attempt. */
  private final Set<String> foreign = new HashSet<>();

  private final Path seedEtagFile;
  private String seedEtag;

  Intake(AgentParts parts, RunBook book, Outage storeOutage) throws IOException {
    this.settings = parts.settings();
    this.store = parts.store();
    this.seeds = parts.seeds();
    this.clock = parts.clock();
    this.poller = new RequestPoller(store, clock, null);
    this.book = book;
    this.storeOutage = storeOutage;
    this.seedEtagFile = settings.stateDir().resolve("seed-etag");
    if (Files.exists(seedEtagFile)) {
      this.seedEtag = Files.readString(seedEtagFile).strip();
    }
  }

  /** Claims and records every new request. */
  void intake() {
    List<RequestPoller.Found> found;
    try {
      Set<String> known = book.all().stream().map(r -> r.queueKey).collect(Collectors.toSet());
      found = new ArrayList<>(poller.poll(k -> known.contains(k) || foreign.contains(k)));
      storeOutage.recovered(log);
      Metrics.polled();
    } catch (IOException e) {
      storeOutage.failed(log, e);
      return;
    }
    seed().ifPresent(found::add);
    for (RequestPoller.Found f : found) {
      // one bad request must not stop the loop: each has its own error boundary
      try {
        String skip = skip(f.request(), book.all());
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
        Run run = receive(f);
        book.add(run);
        log.info(
            "run {} received: commit {} on {} (attempt {})",
            run.runId,
            Agent.shortSha(run.commit()),
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

  /** A new run for a request found in the store. */
  private Run receive(RequestPoller.Found found) {
    Run run = new Run();
    run.request = found.request();
    run.queueKey = found.queueKey();
    run.createdAt = clock.instant().toString();
    run.updatedAt = run.createdAt;
    run.configSha256 = ExperimentConfig.sha256(found.config());
    // nothing of the request is trusted yet: the id takes the day from the agent's clock, and the
    // record and folder are keyed by the full commit and attempt
    run.runId =
        RunPlan.runId(
            ExperimentConfig.experimentNameOf(found.config()),
            run.commit(),
            clock.instant(),
            run.attempt());
    run.runDir = settings.workDir().resolve("runs").resolve(run.key()).toString();
    try {
      Files.createDirectories(Path.of(run.runDir));
      Files.write(Path.of(run.runDir).resolve("config.env"), found.config());
    } catch (IOException e) {
      throw new IllegalStateException(
          "cannot write the run folder " + run.runDir + ": " + e.getMessage(), e);
    }
    run.message = "received; waiting to be validated";
    return run;
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
            "{} changed, but without CAIRN_REPO_REMOTE the agent cannot tell which commit it is;"
                + " ignored",
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

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "unknown";
    }
  }

  /**
   * Why the loop must not take {@code request} on, or null when it may: a run of the same commit
   * and attempt exists already, or the request asks for a later attempt that follows no ended
   * attempt of that commit here (a rerun is asked with {@code ci submit --rerun} once the previous
   * attempt has ended, and its commit must still pass provenance).
   */
  static String skip(RunRequest request, Collection<Run> runs) {
    int attempt = request.attemptOrFirst();
    String key = RunPlan.key(request.commit(), attempt);
    if (runs.stream().anyMatch(r -> r.key().equals(key))) {
      return "attempt " + attempt + " of commit " + request.commit() + " is on record already";
    }
    if (attempt > 1
        && runs.stream()
            .noneMatch(
                r ->
                    r.commit().equals(request.commit())
                        && r.attempt() == attempt - 1
                        && r.state.isTerminal())) {
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
