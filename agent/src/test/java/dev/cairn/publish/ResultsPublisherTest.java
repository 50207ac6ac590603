package dev.cairn.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cairn.model.RunRecord;
import dev.cairn.model.RunState;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResultsPublisherTest {

  @Test
  void message_verifiedCommitWithoutSubject_leavesTheSubjectOut() {
    RunRecord run =
        new RunRecord(
            "run-1",
            "c0ffee",
            1,
            RunState.SUCCEEDED,
            null,
            "2026-01-01T00:00:00Z",
            new RunRecord.Verified("main", null, null, null, null),
            "2026-01-01T00:00:00Z",
            null,
            "local",
            Path.of("runs/run-1"),
            null,
            null,
            RunState.SUCCEEDED,
            null,
            null,
            List.of(),
            null);

    assertEquals(
        "Results of run-1\n\nConfig commit: c0ffee\nRun state: SUCCEEDED\n",
        ResultsPublisher.message(run));
  }
}
