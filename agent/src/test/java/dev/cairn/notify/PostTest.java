package dev.cairn.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.model.JobRecord;
import dev.cairn.model.JobState;
import dev.cairn.model.RunState;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A run's state as GitLab's commit status API names it (docs.gitlab.com/api/commits). */
class PostTest {
  @Test
  void everyRunState_mapsToAStateOfTheApi() {
    Map<RunState, String> expected =
        Map.of(
            RunState.RECEIVED, "pending",
            RunState.SUBMITTED, "pending",
            RunState.RUNNING, "running",
            RunState.COLLECTING, "running",
            RunState.PUBLISHING, "running",
            RunState.SUCCEEDED, "success",
            RunState.FAILED, "failed",
            RunState.REJECTED, "failed",
            RunState.CANCELLED, "canceled");
    for (RunState s : RunState.values()) {
      assertEquals(expected.get(s), Post.state(s), s.name());
    }
  }

  @Test
  void aTrial_isFailedWhereItMissedItsGate_andPendingUntilItRuns() {
    JobRecord missed =
        JobRecord.builder("biomass")
            .schedulerId("1")
            .state(JobState.COMPLETED)
            .attempts(1)
            .exitCode(0)
            .gatePassed(false)
            .build();
    assertEquals("failed", Post.taskState(missed));
    assertEquals("success", Post.taskState(Runs.job("crop", JobState.COMPLETED)));
    assertEquals("pending", Post.taskState(Runs.job("crop", JobState.REQUEUED)));
    assertEquals("running", Post.taskState(Runs.job("crop", JobState.RUNNING)));
    assertEquals("failed", Post.taskState(Runs.job("crop", JobState.OUT_OF_MEMORY)));
    assertEquals("canceled", Post.taskState(Runs.job("crop", JobState.CANCELLED)));
  }

  @Test
  void aLongOrMultiLineMessage_becomesOneLineWithinTheDescriptionsLimit() {
    Post p =
        Post.of(Runs.run(Runs.SHA, 1, RunState.FAILED, "first line\nsecond " + "x".repeat(400)));
    assertFalse(p.description().contains("\n"));
    assertTrue(p.description().length() <= Post.DESCRIPTION_MAX, p.description());
  }
}
