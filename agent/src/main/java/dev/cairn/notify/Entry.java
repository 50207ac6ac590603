package dev.cairn.notify;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The outbox's record of one commit: what GitLab should show ({@code want}, null once delivered),
 * what it was last told ({@code shown}), which steps of a final post are done, and when to try
 * again. Saved as JSON, one file per commit.
 *
 * @param shown the last post GitLab accepted for the commit status and each trial's status
 * @param noted the merge-request note of {@code want} is written (or there was no merge request)
 * @param hooked the chat webhook was told of {@code want}
 * @param tries failed deliveries of {@code want} in a row
 * @param dueMillis when to deliver next, in epoch milliseconds
 * @param uploads the charts of {@code want}'s run already uploaded, by file name: their upload URL
 */
record Entry(
    Post want,
    Post shown,
    boolean noted,
    boolean hooked,
    int tries,
    long dueMillis,
    Map<String, String> uploads) {

  Entry {
    uploads = uploads == null ? Map.of() : Map.copyOf(uploads);
  }

  /** The newest state anyone asked for: the one not yet delivered, else the one shown. */
  Post latest() {
    return want != null ? want : shown;
  }

  /** A new post to deliver now; what GitLab shows and the uploads of the same run are kept. */
  Entry wanting(Post post, long nowMillis) {
    boolean sameRun = want != null && post.runId() != null && post.runId().equals(want.runId());
    return new Entry(post, shown, false, false, 0, nowMillis, sameRun ? uploads : Map.of());
  }

  Entry showing(Post post) {
    return new Entry(want, post, noted, hooked, tries, dueMillis, uploads);
  }

  Entry markNoted() {
    return new Entry(want, shown, true, hooked, tries, dueMillis, uploads);
  }

  Entry markHooked() {
    return new Entry(want, shown, noted, true, tries, dueMillis, uploads);
  }

  Entry uploaded(String name, String url) {
    Map<String, String> all = new LinkedHashMap<>(uploads);
    all.put(name, url);
    return new Entry(want, shown, noted, hooked, tries, dueMillis, all);
  }

  Entry failed(long retryAtMillis) {
    return new Entry(want, shown, noted, hooked, tries + 1, retryAtMillis, uploads);
  }

  /** Everything of {@code want} is delivered: it becomes what GitLab shows. */
  Entry delivered() {
    return new Entry(null, want, false, false, 0, 0, Map.of());
  }
}
