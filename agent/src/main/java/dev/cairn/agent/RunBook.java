package dev.cairn.agent;

import java.io.IOException;
import java.time.Clock;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runs the agent knows, in memory and on disk. Every part of the loop that changes a run calls
 * {@link #save} right after, so a killed agent restarts into exactly what it last did.
 */
final class RunBook {
  private static final Logger log = LoggerFactory.getLogger(RunBook.class);
  private final RunRepository repository;
  private final Clock clock;
  private final RunObserver observer;
  private final Map<String, Run> runs = new LinkedHashMap<>();

  RunBook(RunRepository repository, Clock clock, RunObserver observer) throws IOException {
    this.repository = repository;
    this.clock = clock;
    this.observer = observer;
    for (Run run : repository.loadAll()) {
      runs.put(run.key(), run);
    }
    // a change saved just before a crash may not have reached the observer: tell it again
    for (Run run : runs.values()) {
      try {
        observer.recovered(run.snapshot(null));
      } catch (RuntimeException e) {
        log.warn("run {}: cannot hand it to its observer: {}", run.runId(), e.toString());
      }
    }
  }

  /**
   * Records a change: stamps the time, marks the status for writing, persists the run, then tells
   * the observer.
   */
  void save(Run run) {
    run.changed(clock.instant().toString());
    persist(run);
    observe(run);
  }

  private void observe(Run run) {
    try {
      observer.changed(run.snapshot(null));
    } catch (RuntimeException e) {
      // reporting elsewhere must never stop a run
      log.warn("run {}: cannot hand the change to its observer: {}", run.runId(), e.toString());
    }
  }

  /** Persists the run as it is (after its status was written), without marking a change. */
  void persist(Run run) {
    try {
      repository.save(run);
    } catch (IOException e) {
      // the state folder is local: failing to write it is fatal for safety
      throw new IllegalStateException(
          "cannot persist run " + run.runId() + ": " + e.getMessage(), e);
    }
  }

  void add(Run run) {
    runs.put(run.key(), run);
    save(run);
  }

  /** The run of that commit and attempt key, or null. */
  @Nullable Run runs(String key) {
    return runs.get(key);
  }

  /** Forgets a run and deletes its record. */
  void remove(Run run) {
    runs.remove(run.key());
    try {
      repository.delete(run);
    } catch (IOException e) {
      throw new IllegalStateException(
          "cannot delete the record of run " + run.runId() + ": " + e.getMessage(), e);
    }
  }

  Collection<Run> all() {
    return runs.values();
  }

  /** Runs that have not reached a terminal state, oldest first. */
  List<Run> active() {
    return runs.values().stream().filter(r -> !r.state().isTerminal()).toList();
  }
}
