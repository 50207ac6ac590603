package dev.cairn.trigger;

import dev.cairn.store.ObjectStore;
import java.io.IOException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The attempts already requested for a commit, read from its queue entries. */
public final class Attempts {
  private static final Pattern ENTRY = Pattern.compile(".*-([0-9a-f]{7,64})-a(\\d+)$");

  private Attempts() {}

  /** The highest attempt queued for the commit, 0 when none. */
  public static int highest(ObjectStore store, String commit) throws IOException {
    int highest = 0;
    for (ObjectStore.ObjectInfo info : store.list(RequestQueue.QUEUE_PREFIX, null)) {
      Matcher m = ENTRY.matcher(info.key());
      if (m.matches() && m.group(1).equals(commit)) {
        highest = Math.max(highest, Integer.parseInt(m.group(2)));
      }
    }
    return highest;
  }
}
