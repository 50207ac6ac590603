package dev.cairn.agent;

import dev.cairn.CairnException;
import dev.cairn.Json;
import dev.cairn.config.AgentSettings;
import dev.cairn.config.ExperimentConfig;
import dev.cairn.plan.RunPlan;
import dev.cairn.store.ObjectStore;
import dev.cairn.trigger.RequestPoller;
import dev.cairn.trigger.RunRequest;
import dev.cairn.trigger.SeedResolver;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
  private static final Pattern EXPERIMENT_LINE =
      Pattern.compile("(?m)^EXPERIMENT_NAME=([A-Za-z0-9][A-Za-z0-9._-]{0,63})\\s*$");
  private final AgentSettings settings;
  private final ObjectStore store;
  private final RequestPoller poller;
  private final SeedResolver seeds;
  private final Plans plans;
  private final RunBook book;
  private final Clock clock;
  private final Outage storeOutage;

  /** Queue entries another agent claimed: skipped without another claim attempt. */
  private final Set<String> foreign = new HashSet<>();

  private final Path seedEtagFile;
  private String seedEtag;

  Intake(AgentParts parts, Plans plans, RunBook book, Outage storeOutage) throws IOException {
    this.settings = parts.settings();
    this.store = parts.store();
    this.seeds = parts.seeds();
    this.clock = parts.clock();
    this.poller = new RequestPoller(store, clock, null);
    this.plans = plans;
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
    } catch (IOException e) {
      storeOutage.failed(log, e);
      return;
    }
    seed().ifPresent(found::add);
    for (RequestPoller.Found f : found) {
      try {
        if (!claim(f.request())) {
          log.info("request {} is claimed by another agent; skipping", f.queueKey());
          foreign.add(f.queueKey());
          continue;
        }
      } catch (IOException e) {
        storeOutage.failed(log, e);
        return;
      }
      Run run = receive(f);
      book.add(run);
      log.info(
          "run {} received: commit {} on {} (attempt {})",
          run.runId,
          Agent.shortSha(run.commit()),
          f.request().branch(),
          run.attempt());
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
    // the run id needs the experiment name: from the valid config, else from its line if that is
    // well formed, else "rejected"
    String experiment;
    try {
      experiment = plans.parse(run, found.config()).experimentName();
    } catch (CairnException e) {
      Matcher m = EXPERIMENT_LINE.matcher(new String(found.config(), StandardCharsets.UTF_8));
      experiment = m.find() ? m.group(1) : "rejected";
    }
    run.runId =
        RunPlan.runId(
            experiment,
            run.commit(),
            Plans.submittedAt(found.request().submittedAt()),
            run.attempt());
    run.runDir = settings.workDir().resolve("runs").resolve(run.runId).toString();
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
}
