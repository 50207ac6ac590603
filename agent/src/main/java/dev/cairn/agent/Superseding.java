package dev.cairn.agent;

import dev.cairn.publish.RunState;
import java.util.Objects;

/**
 * What a newer request on a branch does to the older ones, by {@code CAIRN_SUPERSEDE}: {@code
 * latest} cancels older runs that have not ended; {@code queue} lets runs of one branch go one at a
 * time in the order they were submitted; anything else lets them all run.
 */
final class Superseding {
  private final String mode;
  private final RunBook book;
  private final Cancellation cancellation;

  Superseding(String mode, RunBook book, Cancellation cancellation) {
    this.mode = mode;
    this.book = book;
    this.cancellation = cancellation;
  }

  /** Under {@code latest}: cancels every active run that a newer one on its branch supersedes. */
  void supersede() throws InterruptedException {
    if (!"latest".equals(mode)) {
      return;
    }
    for (Run older : book.active()) {
      Run newer = newestOnBranch(older);
      if (newer != older
          && !older.state.isTerminal()
          && older.state != RunState.PUBLISHING
          && older.state != RunState.COLLECTING) {
        cancellation.cancel(
            older, "superseded by commit " + newer.commit() + " on " + older.request.branch());
      }
    }
  }

  private Run newestOnBranch(Run run) {
    Run newest = run;
    for (Run other : book.all()) {
      if (Objects.equals(other.request.branch(), run.request.branch())
          && other.request.submittedAt() != null
          && other.request.submittedAt().compareTo(newest.request.submittedAt()) > 0) {
        newest = other;
      }
    }
    return newest;
  }

  /**
   * Under {@code queue}: the oldest unfinished run of the same branch submitted before this one, or
   * null when this one may go.
   */
  Run queuedBehind(Run run) {
    if (!"queue".equals(mode) || run.state != RunState.RECEIVED) {
      return null;
    }
    Run ahead = null;
    for (Run other : book.active()) {
      if (other != run
          && Objects.equals(other.request.branch(), run.request.branch())
          && other.request.submittedAt().compareTo(run.request.submittedAt()) < 0
          && (ahead == null
              || other.request.submittedAt().compareTo(ahead.request.submittedAt()) < 0)) {
        ahead = other;
      }
    }
    return ahead;
  }
}
