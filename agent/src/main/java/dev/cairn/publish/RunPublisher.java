package dev.cairn.publish;

import dev.cairn.model.RunRecord;

/**
 * Versions a finished run's outputs and records them in Git; returns the results commit. The agent
 * calls it once every job has ended, and again on the next tick when it threw.
 */
public interface RunPublisher {
  String publish(RunRecord run) throws Exception;
}
