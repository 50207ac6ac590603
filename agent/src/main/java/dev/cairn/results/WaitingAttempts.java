package dev.cairn.results;

import dev.cairn.model.RunStatus;
import dev.cairn.store.ObjectStore;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The attempts CI (or {@code reproduce}) queued that no agent has taken yet: a queue entry whose
 * attempt is newer than the one the commit's status.json describes.
 */
public final class WaitingAttempts {
  private static final Pattern ENTRY =
      Pattern.compile("queue/(\\d{8}T\\d{6}\\.\\d{3}Z)-([0-9a-fA-F]{4,64})-a(\\d+)");

  /** One queued attempt: the commit, the attempt's number and the queue's UTC time stamp. */
  public record Waiting(String commit, int attempt, String queuedAt) {
    public String line() {
      return "attempt "
          + attempt
          + " of commit "
          + commit.substring(0, Math.min(8, commit.length()))
          + " (queued "
          + queuedAt
          + ") waits for an agent to take it; is `agent.jar run` running on this CAIRN_STORE?";
    }
  }

  private WaitingAttempts() {}

  /**
   * The newest waiting attempt of each commit, by commit; {@code statusOf} gives each commit's
   * status.json, null where there is none yet.
   */
  public static List<Waiting> of(ObjectStore store, Map<String, RunStatus> statusOf)
      throws IOException {
    Map<String, Waiting> newest = new TreeMap<>();
    for (ObjectStore.ObjectInfo o : store.list("queue/", null)) {
      Matcher m = ENTRY.matcher(o.key());
      if (!m.matches()) {
        continue;
      }
      String commit = m.group(2);
      int attempt = Integer.parseInt(m.group(3));
      RunStatus status = statusOf.get(commit);
      if (status != null && status.attempt() >= attempt) {
        continue;
      }
      Waiting before = newest.get(commit);
      if (before == null || before.attempt() < attempt) {
        newest.put(commit, new Waiting(commit, attempt, m.group(1)));
      }
    }
    return new ArrayList<>(newest.values());
  }
}
