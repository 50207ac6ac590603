package dev.cairn.publish;

import dev.cairn.model.RunRecord;
import dev.cairn.model.ShareRecord;
import java.util.List;

/**
 * Versions a finished run's outputs and records them in Git; returns the results commit. The agent
 * calls it once every job has ended, and again on the next tick when it threw.
 */
public interface RunPublisher {
  String publish(RunRecord run) throws Exception;

  /**
   * For one cluster's share of a run routed to several: uploads the share's outputs to the DVC
   * remote and lists them, with what ran, for the share's end record. Without a repository nothing
   * is versioned.
   */
  default ShareOutputs versionShare(RunRecord run) throws Exception {
    return ShareOutputs.NONE;
  }

  /**
   * Publishes a run of several clusters from every share's end record: one results commit for the
   * run, whichever agent gets there first (the others find it on the branch and return it).
   */
  default String publishShared(RunRecord run, List<ShareRecord> ends) throws Exception {
    throw new UnsupportedOperationException("no repository to publish to");
  }

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
