package dev.cairn.trigger;

import dev.cairn.Json;
import dev.cairn.Untrusted;
import dev.cairn.model.Announcement;
import dev.cairn.model.StoreKeys;
import dev.cairn.store.NotARegularFileException;
import dev.cairn.store.ObjectStore;
import dev.cairn.store.ObjectStore.ObjectInfo;
import dev.cairn.store.ObjectTooLargeException;
import dev.cairn.store.StoredObject;
import java.io.IOException;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the agents' announcements ({@code agents/<cluster>/<agent-id>.json}) for the daemon and the
 * CI client: which clusters have an agent, on which scheduler, last seen when. Anyone who can write
 * the bucket can write there, so reads are bounded (at most {@link #MAX_OBJECTS} objects of {@link
 * Announcement#MAX_BYTES} each), and an object that is too large, malformed or under a key that
 * does not name its cluster and agent is skipped with a warning, never fatal.
 */
public final class Announcements {
  private static final Logger log = LoggerFactory.getLogger(Announcements.class);

  /** The most announcements one call reads; the rest are skipped with a warning. */
  public static final int MAX_OBJECTS = 1000;

  private static final Pattern KEY =
      Pattern.compile(
          Pattern.quote(StoreKeys.AGENTS)
              + "([A-Za-z0-9][A-Za-z0-9._-]{0,63})/([0-9a-f-]{1,64})\\.json");

  private Announcements() {}

  /** Per cluster, by name, the announcement seen last among its agents. */
  public static Map<String, Announcement> latestByCluster(ObjectStore store) throws IOException {
    return latest(store, StoreKeys.AGENTS);
  }

  /** When an agent of {@code cluster} was last seen, or empty where none has announced it. */
  public static Optional<Instant> lastSeen(ObjectStore store, String cluster) throws IOException {
    Announcement a = latest(store, StoreKeys.AGENTS + cluster + "/").get(cluster);
    return a == null ? Optional.empty() : Optional.ofNullable(a.lastSeenInstant());
  }

  private static Map<String, Announcement> latest(ObjectStore store, String prefix)
      throws IOException {
    Map<String, Announcement> latest = new TreeMap<>();
    int read = 0;
    for (ObjectInfo entry : store.list(prefix, null)) {
      Matcher key = KEY.matcher(entry.key());
      if (!key.matches()) {
        continue;
      }
      if (read++ >= MAX_OBJECTS) {
        log.warn("more than {} announcements under {}; the rest are not read", MAX_OBJECTS, prefix);
        break;
      }
      Optional<Announcement> a = read(store, entry.key(), key.group(1), key.group(2));
      if (a.isEmpty()) {
        continue;
      }
      Announcement known = latest.get(a.get().cluster());
      if (known == null || later(a.get(), known)) {
        latest.put(a.get().cluster(), a.get());
      }
    }
    return latest;
  }

  private static boolean later(Announcement a, Announcement b) {
    Instant seen = a.lastSeenInstant();
    Instant other = b.lastSeenInstant();
    return seen != null && (other == null || seen.isAfter(other));
  }

  private static Optional<Announcement> read(
      ObjectStore store, String key, String cluster, String agentId) throws IOException {
    Optional<StoredObject> object;
    try {
      object = store.get(key, Announcement.MAX_BYTES);
    } catch (ObjectTooLargeException e) {
      return skip(key, "larger than " + Announcement.MAX_BYTES + " bytes");
    } catch (NotARegularFileException e) {
      return skip(key, String.valueOf(e.getMessage()));
    }
    if (object.isEmpty()) {
      // removed between the listing and the read
      return Optional.empty();
    }
    Announcement a;
    try {
      a = Json.MAPPER.readValue(object.get().content(), Announcement.class);
    } catch (IOException e) {
      return skip(key, "not an announcement (" + e.getClass().getSimpleName() + ")");
    }
    if (a == null) {
      return skip(key, "not an announcement (null)");
    }
    String problem = a.problem();
    if (problem != null) {
      return skip(key, problem);
    }
    if (!a.cluster().equals(cluster) || !a.agentId().equals(agentId)) {
      return skip(key, "the key does not name its cluster and agent id");
    }
    return Optional.of(a);
  }

  private static Optional<Announcement> skip(String key, String why) {
    log.warn("announcement {} skipped: {}", Untrusted.forLog(key), Untrusted.forLog(why));
    return Optional.empty();
  }
}
