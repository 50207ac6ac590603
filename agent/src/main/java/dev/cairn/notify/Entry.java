package dev.cairn.notify;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

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
 * @param then later states of the same attempt asked for while {@code want} was on its way: shown
 *     in order while GitLab answers, dropped for the latest once a delivery fails
 */
record Entry(
    @Nullable Post want,
    @Nullable Post shown,
    boolean noted,
    boolean hooked,
    int tries,
    long dueMillis,
    Map<String, String> uploads,
    List<Post> then) {

  Entry {
    uploads = uploads == null ? Map.of() : Map.copyOf(uploads);
    then = then == null ? List.of() : List.copyOf(then);
  }

  Entry(
      @Nullable Post want,
      @Nullable Post shown,
      boolean noted,
      boolean hooked,
      int tries,
      long due,
      Map<String, String> uploads) {
    this(want, shown, noted, hooked, tries, due, uploads, List.of());
  }

  /** The newest state anyone asked for: the last one queued, else the one shown. */
  @Nullable Post latest() {
    return !then.isEmpty() ? then.get(then.size() - 1) : want != null ? want : shown;
  }

  /**
   * Queues a later state of the same attempt behind {@code want}, so a healthy GitLab shows each
   * state in turn; one of the same rank as the last queued replaces it.
   */
  Entry queueing(Post post) {
    List<Post> next = new ArrayList<>(then);
    if (!next.isEmpty()
        && Post.rank(next.get(next.size() - 1).state()) == Post.rank(post.state())) {
      next.set(next.size() - 1, post);
    } else {
      next.add(post);
    }
    return new Entry(want, shown, noted, hooked, tries, dueMillis, uploads, next);
  }

  /** A new post to deliver now; what GitLab shows and the uploads of the same run are kept. */
  Entry wanting(Post post, long nowMillis) {
    boolean sameRun = want != null && post.runId() != null && post.runId().equals(want.runId());
    // while GitLab fails, the newer post waits for the retry too: offers never reset the backoff
    return new Entry(
        post,
        shown,
        false,
        false,
        want == null ? 0 : tries,
        want == null || tries == 0 ? nowMillis : dueMillis,
        sameRun ? uploads : Map.of());
  }

  Entry dueAt(long millis) {
    return new Entry(want, shown, noted, hooked, tries, millis, uploads, then);
  }

  /** A delivery failed: the latest state replaces every older one waiting, retried later. */
  Entry failed(long retryAtMillis) {
    if (then.isEmpty()) {
      return new Entry(want, shown, noted, hooked, tries + 1, retryAtMillis, uploads, then);
    }
    Post newest = then.get(then.size() - 1);
    boolean sameRun = want != null && newest.runId() != null && newest.runId().equals(want.runId());
    return new Entry(
        newest,
        shown,
        false,
        false,
        tries + 1,
        retryAtMillis,
        sameRun ? uploads : Map.of(),
        List.of());
  }

  Entry showing(Post post) {
    return new Entry(want, post, noted, hooked, tries, dueMillis, uploads, then);
  }

  Entry markNoted() {
    return new Entry(want, shown, true, hooked, tries, dueMillis, uploads, then);
  }

  Entry markHooked() {
    return new Entry(want, shown, noted, true, tries, dueMillis, uploads, then);
  }

  Entry uploaded(String name, String url) {
    Map<String, String> all = new LinkedHashMap<>(uploads);
    all.put(name, url);
    return new Entry(want, shown, noted, hooked, tries, dueMillis, all, then);
  }

  /** Everything of {@code want} is delivered: it becomes what GitLab shows; the next is due. */
  Entry delivered() {
    if (then.isEmpty()) {
      return new Entry(null, want, false, false, 0, 0, Map.of(), List.of());
    }
    Post next = then.get(0);
    boolean sameRun = want != null && next.runId() != null && next.runId().equals(want.runId());
    return new Entry(
        next,
        want,
        false,
        false,
        0,
        dueMillis,
        sameRun ? uploads : Map.of(),
        then.subList(1, then.size()));
  }
}
