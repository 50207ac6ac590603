package dev.cairn.notify;

import dev.cairn.model.JobRecord;
import dev.cairn.model.JobState;
import dev.cairn.model.RunRecord;
import dev.cairn.model.RunState;
import java.util.List;

/** Run records as the loop hands them to the notifier, for the notifier's tests. */
final class Runs {
  static final String SHA = "a".repeat(40);
  static final String RESULTS = "b".repeat(40);

  private Runs() {}

  static RunRecord run(
      String commit, int attempt, RunState state, String message, JobState... jobs) {
    String[] tasks = {"crop_classification", "landslide", "biomass"};
    List<JobRecord> records =
        java.util.stream.IntStream.range(0, jobs.length)
            .mapToObj(i -> job(tasks[i], jobs[i]))
            .toList();
    boolean ended = state.isTerminal() && state != RunState.REJECTED;
    return new RunRecord(
        "20261207-demo-" + commit.substring(0, 8) + "-a" + attempt,
        commit,
        attempt,
        state,
        message,
        "2026-12-07T02:00:00Z",
        new RunRecord.Verified("main", "subject", "A", "a@example.org", "2026-12-07T01:00:00Z"),
        "2026-12-07T01:59:00Z",
        null,
        "local",
        null,
        ended ? "2026-12-07T02:10:00Z" : null,
        ended ? RESULTS : null,
        state.isTerminal() ? state : null,
        state.isTerminal() ? message : null,
        null,
        records,
        null);
  }

  static JobRecord job(String task, JobState state) {
    return JobRecord.builder(task)
        .schedulerId("1")
        .state(state)
        .attempts(1)
        .gatePassed(state == JobState.COMPLETED ? Boolean.TRUE : null)
        .build();
  }
}
