package dev.cairn.publish;

import dev.cairn.model.RunRecord;

/**
 * Versions a finished run's outputs and records them in Git; returns the results commit. The agent
 * calls it once every job has ended, and again on the next tick when it threw.
 */
public interface RunPublisher {
  String publish(RunRecord run) throws Exception;

  /** Whether runs end with a results commit; {@link #NONE} ends them without one. */
  default boolean publishes() {
    return true;
  }

  /** Without a repository: nothing is published and runs end without a results commit. */
  RunPublisher NONE =
      new RunPublisher() {
        @Override
        public String publish(RunRecord run) {
          throw new UnsupportedOperationException("no repository to publish to");
        }

        @Override
        public boolean publishes() {
          return false;
        }
      };
}
