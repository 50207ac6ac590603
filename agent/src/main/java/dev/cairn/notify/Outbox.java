package dev.cairn.notify;

import dev.cairn.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The posts GitLab has not yet accepted, one JSON file per commit under {@code <state>/outbox/},
 * written to a temporary file, forced to disk and renamed before anyone is told, so a post asked
 * for before a crash is delivered after the restart. The latest state per commit wins: a newer post
 * replaces one not yet delivered, and an older one never replaces a newer.
 */
final class Outbox {
  private static final Logger log = LoggerFactory.getLogger(Outbox.class);
  private final Path dir;
  private final Map<String, Entry> entries = new LinkedHashMap<>();

  Outbox(Path stateDir) throws IOException {
    this.dir = stateDir.resolve("outbox");
    Files.createDirectories(dir);
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
        try {
          Entry e = Json.MAPPER.readValue(f.toFile(), Entry.class);
          Post latest = e.latest();
          if (latest != null && latest.commit() != null) {
            // a start is a fresh chance: what waited for a retry before is due at once
            entries.put(latest.commit(), e.want() == null ? e : e.dueAt(0));
          }
        } catch (IOException e) {
          log.warn("ignoring the outbox record {}: {}", f.getFileName(), e.getMessage());
        }
      }
    }
  }

  /** Queues the post unless GitLab shows it already or a newer one is queued; true if queued. */
  synchronized boolean offer(Post post, long nowMillis) {
    Entry current = entries.get(post.commit());
    Post latest = current == null ? null : current.latest();
    if (post.sameAs(latest) || post.olderThan(latest)) {
      return false;
    }
    Entry next;
    if (current == null) {
      next = new Entry(post, null, false, false, 0, nowMillis, Map.of());
    } else if (current.want() != null
        && current.tries() == 0
        && current.want().attempt() == post.attempt()
        && Post.rank(post.state()) > Post.rank(current.want().state())) {
      // on its way to a GitLab that answers: show each state in turn
      next = current.queueing(post);
    } else {
      next = current.wanting(post, nowMillis);
    }
    put(next);
    return true;
  }

  /** The entries with a post due at {@code nowMillis}, oldest due first. */
  synchronized List<Entry> due(long nowMillis) {
    List<Entry> due = new ArrayList<>();
    for (Entry e : entries.values()) {
      if (e.want() != null && e.dueMillis() <= nowMillis) {
        due.add(e);
      }
    }
    due.sort((a, b) -> Long.compare(a.dueMillis(), b.dueMillis()));
    return due;
  }

  /** When the next post falls due; {@code Long.MAX_VALUE} when none waits. */
  synchronized long nextDue() {
    return entries.values().stream()
        .filter(e -> e.want() != null)
        .mapToLong(Entry::dueMillis)
        .min()
        .orElse(Long.MAX_VALUE);
  }

  synchronized int pending() {
    return (int) entries.values().stream().filter(e -> e.want() != null).count();
  }

  synchronized @Nullable Entry get(String commit) {
    return entries.get(commit);
  }

  /**
   * Applies a delivery's progress to the commit's entry, unless a newer post replaced the one that
   * was delivered meanwhile; then only what GitLab now shows is kept.
   */
  synchronized @Nullable Entry update(
      Entry delivering, java.util.function.UnaryOperator<Entry> change) {
    Post delivered =
        Objects.requireNonNull(
            delivering.want(), "only an entry with a post on its way is updated");
    Entry current = entries.get(delivered.commit());
    if (current == null) {
      return null;
    }
    if (current.want() != null && !current.want().equals(delivered)) {
      Entry changed = change.apply(delivering);
      if (changed.shown() != null && !changed.shown().equals(current.shown())) {
        current = current.showing(changed.shown());
        put(current);
      }
      return null;
    }
    Entry next = change.apply(current);
    put(next);
    return next;
  }

  private void put(Entry e) {
    String commit =
        Objects.requireNonNull(e.latest(), "an outbox entry has a post to name its commit")
            .commit();
    entries.put(commit, e);
    try {
      write(dir.resolve(commit + ".json"), Json.MAPPER.writeValueAsBytes(e));
    } catch (IOException ex) {
      // the state folder is local: a post that cannot be kept must not pass unnoticed
      throw new UncheckedIOException("cannot write the outbox record of " + commit, ex);
    }
  }

  private static void write(Path target, byte[] bytes) throws IOException {
    Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
    boolean interrupted = Thread.interrupted();
    try (FileChannel channel =
        FileChannel.open(
            tmp,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE)) {
      channel.write(ByteBuffer.wrap(bytes));
      channel.force(true);
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
    try {
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
    }
  }
}
