package dev.cairn.agent;

import dev.cairn.model.RunState;
import dev.cairn.trigger.RequestCheck;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What a newer request on a branch does to the older ones, by {@code CAIRN_SUPERSEDE}: {@code
 * latest} cancels older runs that have not ended; {@code queue} lets runs of one branch go one at a
 * time in the order they were received; anything else lets them all run.
 *
 * <p>"Newer" is what the agent observed, never the writer's {@code submitted_at}: Git's commit
 * order on the branch where one commit descends from the other, else the order in which this agent
 * received the requests. Only a run that is still active and has passed provenance and validation
 * supersedes another, so an ended run, or a request for a commit that exists nowhere, never does.
 */
final class Superseding {
  private final String mode;
  private final RunBook book;
  private final Cancellation cancellation;
  private final RequestCheck order;

  /**
   * @param order answers which of two commits descends from the other ({@link
   *     RequestCheck#ACCEPT_ALL} never knows: then the receive order alone decides)
   */
  Superseding(String mode, RunBook book, Cancellation cancellation, RequestCheck order) {
    this.mode = mode;
    this.book = book;
    this.cancellation = cancellation;
    this.order = order;
  }

  /** Under {@code latest}: cancels every active run that a newer one on its branch supersedes. */
  void supersede() throws InterruptedException {
    if (!"latest".equals(mode)) {
      return;
    }
    List<Run> prepared =
        book.active().stream().filter(r -> r.state() != RunState.RECEIVED).toList();
    if (prepared.isEmpty()) {
      return;
    }
    for (Run older : book.active()) {
      if (older.state().isTerminal()
          || older.state() == RunState.PUBLISHING
          || older.state() == RunState.COLLECTING) {
        continue;
      }
      for (Run newer : prepared) {
        if (newer != older
            && !newer.state().isTerminal()
            && Objects.equals(newer.request().branch(), older.request().branch())
            && isNewer(newer, older)) {
          cancellation.cancel(
              older, "superseded by commit " + newer.commit() + " on " + older.request().branch());
          break;
        }
      }
    }
  }

  /** Whether {@code a} came after {@code b}: by Git where it can tell, else by receive time. */
  private boolean isNewer(Run a, Run b) {
    if (!a.commit().equals(b.commit())) {
      int byGit;
      try {
        byGit = order.commitOrder(b.commit(), a.commit());
      } catch (RuntimeException e) {
        byGit = 0; // the clone cannot tell: the receive order decides
      }
      if (byGit != 0) {
        return byGit < 0;
      }
    }
    return receivedBefore(b, a);
  }

  /** Whether this agent received {@code a} before {@code b}; the attempt breaks a tie. */
  private static boolean receivedBefore(Run a, Run b) {
    int c = receivedAt(a).compareTo(receivedAt(b));
    return c != 0 ? c < 0 : a.attempt() < b.attempt();
  }

  private static Instant receivedAt(Run run) {
    Instant at = Telemetry.receivedAt(run);
    return at == null ? Instant.EPOCH : at;
  }

  /**
   * Under {@code queue}: the first active run of the same branch that this agent received before
   * this one, or null when this one may go.
   */
  @Nullable Run queuedBehind(Run run) {
    if (!"queue".equals(mode) || run.state() != RunState.RECEIVED) {
      return null;
    }
    Run ahead = null;
    for (Run other : book.active()) {
      if (other != run
          && Objects.equals(other.request().branch(), run.request().branch())
          && receivedBefore(other, run)
          && (ahead == null || receivedBefore(other, ahead))) {
        ahead = other;
      }
    }
    return ahead;
  }
}
