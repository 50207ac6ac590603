package dev.cairn.agent;

import dev.cairn.plan.RunPlan;
import dev.cairn.trigger.RunRequest;
import java.util.Collection;

/** Which requests the loop takes on, given the runs it already holds. */
final class Intake {
  private Intake() {}

  /**
   * Why the loop must not take {@code request} on, or null when it may: a run of the same commit
   * and attempt exists already, or the request asks for a later attempt that follows no ended
   * attempt of that commit here (a rerun is asked with {@code ci submit --rerun} once the previous
   * attempt has ended, and its commit must still pass provenance).
   */
  static String skip(RunRequest request, Collection<Run> runs) {
    int attempt = request.attemptOrFirst();
    String key = RunPlan.key(request.commit(), attempt);
    if (runs.stream().anyMatch(r -> r.key().equals(key))) {
      return "attempt " + attempt + " of commit " + request.commit() + " is on record already";
    }
    if (attempt > 1
        && runs.stream()
            .noneMatch(
                r ->
                    r.commit().equals(request.commit())
                        && r.attempt() == attempt - 1
                        && r.state.isTerminal())) {
      return "attempt "
          + attempt
          + " of commit "
          + request.commit()
          + " follows no ended attempt "
          + (attempt - 1)
          + " on this agent; reruns come from `agent.jar ci submit --rerun`";
    }
    return null;
  }
}
