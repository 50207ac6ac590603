package dev.cairn.agent;

import dev.cairn.Json;
import dev.cairn.Version;
import dev.cairn.config.AgentSettings;
import dev.cairn.config.SchedulerName;
import dev.cairn.model.Announcement;
import dev.cairn.model.StoreKeys;
import dev.cairn.scheduler.Scheduler;
import dev.cairn.scheduler.Schedulers;
import dev.cairn.store.ObjectStore;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Announces the agent in {@code agents/<cluster>/<agent-id>.json}: its cluster, scheduler and
 * version, when it started and was last seen, and what it can run there (partitions, the largest
 * job array). Written on the first tick and then at most once per {@code CAIRN_POLL_MAX_SECONDS},
 * the interval of an idle agent, so that an idle agent adds one PUT per idle interval to its
 * requests. What it can run is asked of the scheduler at most once per {@link #CAPABILITIES_EVERY}.
 * A failure is logged once until the next success and never stops the loop.
 */
final class Announcer {
  private static final Logger log = LoggerFactory.getLogger(Announcer.class);

  /** How often the scheduler is asked again what it can run: partitions seldom change. */
  static final Duration CAPABILITIES_EVERY = Duration.ofHours(1);

  private final ObjectStore store;
  private final Schedulers schedulers;
  private final Clock clock;
  private final Duration every;
  private final String cluster;
  private final String schedulerName;
  private final String agentId;
  private final String host;
  private final Instant startedAt;
  private @Nullable Instant lastAttempt;
  private @Nullable Instant capabilitiesAt;
  private List<String> partitions = List.of();
  private int maxArraySize;
  private boolean storeFailing;
  private boolean schedulerFailing;

  Announcer(ObjectStore store, Schedulers schedulers, Clock clock, AgentSettings settings)
      throws IOException {
    this.store = store;
    this.schedulers = schedulers;
    this.clock = clock;
    this.every = settings.pollMax();
    this.cluster = settings.cluster().name();
    this.schedulerName = settings.cluster().schedulerFor(SchedulerName.DEFAULT);
    this.agentId = AgentIdentity.load(settings.stateDir());
    this.host = hostName();
    this.startedAt = clock.instant();
  }

  /** Writes the announcement when none was written yet or the last is an idle interval old. */
  void announceIfDue() throws InterruptedException {
    Instant now = clock.instant();
    if (lastAttempt != null && now.isBefore(lastAttempt.plus(every))) {
      return;
    }
    lastAttempt = now;
    try {
      refreshCapabilities(now);
      store.put(StoreKeys.agentKey(cluster, agentId), Json.MAPPER.writeValueAsBytes(of(now)));
      if (storeFailing) {
        log.info("announcement of cluster {} written again", cluster);
      }
      storeFailing = false;
    } catch (IOException | RuntimeException e) {
      log(storeFailing, "announcement of cluster " + cluster + " could not be written", e);
      storeFailing = true;
    }
  }

  /** The announcement as of {@code now}. */
  Announcement of(Instant now) {
    return new Announcement(
        Announcement.SCHEMA,
        cluster,
        agentId,
        host,
        schedulerName,
        Version.get(),
        startedAt.toString(),
        now.toString(),
        partitions,
        maxArraySize);
  }

  private void refreshCapabilities(Instant now) throws InterruptedException {
    if (capabilitiesAt != null && now.isBefore(capabilitiesAt.plus(CAPABILITIES_EVERY))) {
      return;
    }
    try {
      Scheduler scheduler = schedulers.get(schedulerName);
      List<String> found = scheduler.partitions();
      maxArraySize = scheduler.maxArraySize();
      partitions = found;
      capabilitiesAt = now;
      schedulerFailing = false;
    } catch (IOException | RuntimeException e) {
      // announce what is known; the scheduler is asked again at the next announcement. An agent
      // without CAIRN_SCHEDULER on a machine without SLURM lands here: worth a line, not a warning
      if (!schedulerFailing) {
        log.info(
            "the {} scheduler could not say what it can run ({}); the announcement names no"
                + " partitions until it can",
            schedulerName,
            e.toString());
      }
      schedulerFailing = true;
    }
  }

  /** A warning when a failure starts, debug lines while it lasts. */
  private void log(boolean already, String what, Exception e) {
    if (already) {
      log.debug("{}: {}", what, e.toString());
    } else {
      log.warn("{}: {}; the loop goes on and tries again in {} s", what, e, every.toSeconds());
    }
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "unknown";
    }
  }
}
