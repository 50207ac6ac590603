package dev.cairn.notify;

import dev.cairn.Untrusted;
import dev.cairn.model.JobRecord;
import dev.cairn.model.JobState;
import dev.cairn.model.RunRecord;
import dev.cairn.model.RunState;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What GitLab should show for one run's commit: the state of its {@code cairn} commit status (and
 * of each trial's {@code cairn/<trial>} where asked), a description, and for a run that ended the
 * facts of its merge-request note and chat message.
 *
 * @param state a commit status state of GitLab's API: pending, running, success, failed, canceled
 * @param runState the run's own state, for the note and the webhook
 * @param tasks each trial's status state, by trial id
 */
record Post(
    String commit,
    @Nullable String ref,
    String runId,
    int attempt,
    String state,
    String runState,
    String description,
    @Nullable String resultsCommit,
    Map<String, String> tasks) {

  /** The commit status API's description is short; GitLab shows one line of it. */
  static final int DESCRIPTION_MAX = 255;

  Post {
    tasks = tasks == null ? Map.of() : new LinkedHashMap<>(tasks);
  }

  static Post of(RunRecord run) {
    Map<String, String> tasks = new LinkedHashMap<>();
    for (JobRecord job : run.jobs()) {
      tasks.put(job.trial(), taskState(job));
    }
    String message = Untrusted.oneLine(run.message(), DESCRIPTION_MAX);
    return new Post(
        run.commit(),
        run.verified() == null ? null : run.verified().branch(),
        run.runId(),
        run.attempt(),
        state(run.state()),
        run.state().name(),
        message == null || message.isEmpty() ? run.state().name() : message,
        run.resultsCommit(),
        tasks);
  }

  /** GitLab's commit status state for a run's state. */
  static String state(RunState state) {
    return switch (state) {
      case RECEIVED, SUBMITTED -> "pending";
      case RUNNING, COLLECTING, PUBLISHING -> "running";
      case SUCCEEDED -> "success";
      case FAILED, REJECTED -> "failed";
      case CANCELLED -> "canceled";
    };
  }

  static String taskState(JobRecord job) {
    JobState s = job.state();
    if (s == JobState.COMPLETED) {
      return Boolean.FALSE.equals(job.gatePassed()) ? "failed" : "success";
    }
    if (s == JobState.CANCELLED) {
      return "canceled";
    }
    if (s.isTerminal()) {
      return "failed";
    }
    return s == JobState.RUNNING || s == JobState.COMPLETING ? "running" : "pending";
  }

  boolean isFinal() {
    return rank(state) == 2;
  }

  /** pending before running before an end; GitLab never goes back within one attempt. */
  static int rank(String state) {
    return switch (state) {
      case "pending" -> 0;
      case "running" -> 1;
      default -> 2;
    };
  }

  /** Whether this post would show GitLab nothing that {@code other} did not. */
  boolean sameAs(@Nullable Post other) {
    return other != null
        && attempt == other.attempt
        && state.equals(other.state)
        && tasks.equals(other.tasks)
        && java.util.Objects.equals(resultsCommit, other.resultsCommit);
  }

  /** Whether this post is older news than {@code other}: an earlier attempt or state. */
  boolean olderThan(@Nullable Post other) {
    return other != null
        && (attempt < other.attempt
            || (attempt == other.attempt && rank(state) < rank(other.state)));
  }
}
