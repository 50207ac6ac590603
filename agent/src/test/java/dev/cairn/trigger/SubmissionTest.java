package dev.cairn.trigger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.CairnException;
import dev.cairn.config.ExperimentConfig;
import dev.cairn.model.RunRequest;
import dev.cairn.model.StoreKeys;
import dev.cairn.store.FileObjectStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SubmissionTest {
  static final String COMMIT = "ab".repeat(20);
  static final byte[] CONFIG = "EXPERIMENT_NAME=x\n".getBytes(StandardCharsets.UTF_8);
  @TempDir Path tmp;
  private FileObjectStore store;

  @BeforeEach
  void setUp() throws Exception {
    store = new FileObjectStore(tmp);
  }

  private static RunRequest request(byte[] config, String submittedAt) {
    return new RunRequest(
        COMMIT, "main", "7", "A", "t", submittedAt, ExperimentConfig.sha256(config), null, null);
  }

  private void status(int attempt, String state) throws Exception {
    store.put(
        StoreKeys.statusKey(COMMIT),
        ("{\"attempt\": " + attempt + ", \"state\": \"" + state + "\"}")
            .getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void submit_writesConfigRequestAndQueueEntry() throws Exception {
    var out = Submission.submit(store, request(CONFIG, "2026-11-25T02:00:00Z"), CONFIG, false);
    assertFalse(out.alreadySubmitted());
    assertEquals(1, out.request().attemptOrFirst());
    assertTrue(store.exists(StoreKeys.configKey(COMMIT)));
    assertTrue(store.exists(StoreKeys.requestKey(COMMIT)));
    assertTrue(store.exists(RequestQueue.queueKey(out.request())));
  }

  @Test
  void retry_doesNotQueueASecondRun() throws Exception {
    Submission.submit(store, request(CONFIG, "2026-11-25T02:00:00Z"), CONFIG, false);
    var again = Submission.submit(store, request(CONFIG, "2026-11-25T02:05:00Z"), CONFIG, false);
    assertTrue(again.alreadySubmitted());
    assertFalse(again.repaired());
    assertEquals(1, store.list("queue/", null).size());
  }

  @Test
  void retry_completesASubmissionThatDiedBeforeItsQueueEntry() throws Exception {
    var first = Submission.submit(store, request(CONFIG, "2026-11-25T02:00:00Z"), CONFIG, false);
    store.delete(RequestQueue.queueKey(first.request()));
    var again = Submission.submit(store, request(CONFIG, "2026-11-25T02:05:00Z"), CONFIG, false);
    assertTrue(again.repaired());
    assertTrue(store.exists(RequestQueue.queueKey(first.request())));
  }

  @Test
  void submit_refusesAnotherConfigForTheSameCommit() throws Exception {
    Submission.submit(store, request(CONFIG, "2026-11-25T02:00:00Z"), CONFIG, false);
    byte[] other = "EXPERIMENT_NAME=y\n".getBytes(StandardCharsets.UTF_8);
    for (boolean rerun : new boolean[] {false, true}) {
      CairnException e =
          assertThrows(
              CairnException.class,
              () -> Submission.submit(store, request(other, "2026-11-25T02:05:00Z"), other, rerun));
      assertTrue(e.getMessage().contains("submitted before with another config"), e.getMessage());
    }
  }

  @Test
  void rerun_waitsUntilTheLastAttemptEnded() throws Exception {
    Submission.submit(store, request(CONFIG, "2026-11-25T02:00:00Z"), CONFIG, false);
    CairnException notPicked =
        assertThrows(
            CairnException.class,
            () -> Submission.submit(store, request(CONFIG, "2026-11-25T02:05:00Z"), CONFIG, true));
    assertTrue(notPicked.getMessage().contains("has not been picked up"), notPicked.getMessage());
    status(1, "RUNNING");
    CairnException running =
        assertThrows(
            CairnException.class,
            () -> Submission.submit(store, request(CONFIG, "2026-11-25T02:05:00Z"), CONFIG, true));
    assertTrue(running.getMessage().contains("is still RUNNING"), running.getMessage());
    status(1, "FAILED");
    var rerun = Submission.submit(store, request(CONFIG, "2026-11-25T02:10:00Z"), CONFIG, true);
    assertEquals(2, rerun.request().attemptOrFirst());
    assertTrue(RequestQueue.queueKey(rerun.request()).endsWith("-" + COMMIT + "-a2"));
    assertEquals(2, store.list("queue/", null).size());
  }
}
