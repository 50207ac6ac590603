package dev.cairn.agent;

import dev.cairn.model.RunRecord;

/**
 * Told of every run the loop saves, and of every run on record when the agent starts, so what it
 * reports elsewhere (GitLab, a chat) follows the run's state even across a crash. It must return
 * quickly and never throw: it hands the record on (to a durable outbox) and does no network I/O.
 */
public interface RunObserver {
  /** Tells nothing to anyone: the agent without reporting. */
  RunObserver NONE = run -> {};

  void changed(RunRecord run);

  /**
   * A run on record when the agent starts: its last change may not have reached the observer before
   * a crash. By default the same as a change.
   */
  default void recovered(RunRecord run) {
    changed(run);
  }
}
