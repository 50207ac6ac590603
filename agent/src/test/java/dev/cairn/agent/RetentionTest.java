package dev.cairn.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.model.RunRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Rejected runs are kept compact and within the retention limits, and never received twice. */
class RetentionTest {
  @TempDir Path tmp;

  private static Run rejected(int i, Instant receivedAt, String queueKey, @Nullable String runDir) {
    String commit = String.format("%040x", i + 1);
    RunRequest request =
        new RunRequest(
            commit,
            "main",
            "1",
            "x".repeat(2000),
            "y".repeat(2000),
            "2026-12-01T00:00:00Z",
            null,
            1,
            null);
    Run run =
        new Run("r" + i, queueKey, request, receivedAt.toString(), "0".repeat(64), runDir, null);
    run.rejected("line one\nline two " + "z".repeat(1000));
    run.statusWritten();
    return run;
  }

  @Test
  void prune_compactsAndKeepsTheNewestWithinTheLimits_onlyOnceTheQueueHasPassedThem()
      throws Exception {
    RunRepository repository = new RunRepository(tmp.resolve("state"));
    RunBook book = new RunBook(repository, Clock.systemUTC(), RunObserver.NONE);
    Instant now = Instant.parse("2026-12-07T12:00:00Z");
    Path work = tmp.resolve("work");
    for (int i = 0; i < 8; i++) {
      Path dir = Files.createDirectories(work.resolve("runs/r" + i));
      Files.writeString(dir.resolve("config.env"), "X=1\n");
      Run run =
          rejected(
              i, now.minusSeconds(100 - i), "queue/20261207T0000" + i + "0.000Z-x", dir.toString());
      book.add(run);
      run.statusWritten();
    }
    // one whose entry the queue listing has not passed yet, and one too old to keep
    book.add(rejected(8, now.minusSeconds(200), "queue/20261207T130000.000Z-x", null));
    book.runs(String.format("%040x", 9) + "-a1").statusWritten();
    book.add(rejected(9, now.minus(Duration.ofDays(8)), "queue/20261130T000000.000Z-x", null));
    book.runs(String.format("%040x", 10) + "-a1").statusWritten();

    Retention.prune(book, work, "queue/20261207T115000.000Z", now, 5);

    List<String> kept = book.all().stream().map(r -> r.runId()).sorted().toList();
    assertEquals(List.of("r4", "r5", "r6", "r7", "r8"), kept);
    for (Run run : book.all()) {
      assertNull(run.runDir());
      assertNull(run.request().author());
      assertNull(run.request().message());
      assertTrue(run.message().length() <= Retention.MAX_MESSAGE, run.message());
      assertTrue(!run.message().contains("\n"), run.message());
    }
    try (var left = Files.list(work.resolve("runs"))) {
      assertEquals(List.of(), left.toList());
    }
    assertEquals(5, new RunRepository(tmp.resolve("state")).loadAll().size());
  }
}
