package dev.cairn.trigger;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cairn.model.RunRequest;
import dev.cairn.store.FileObjectStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where a restarted agent's listing of the queue starts. */
class RequestPollerTest {
  @TempDir Path tmp;
  private final Instant now = Instant.parse("2026-12-07T12:00:00Z");
  private final Clock clock = Clock.fixed(now, ZoneOffset.UTC);

  private static String submit(FileObjectStore store, int i, Instant at) throws Exception {
    String commit = String.format("%040x", i);
    RunRequest r = new RunRequest(commit, "main", "1", null, null, at.toString(), null, 1, null);
    RequestQueue.submit(store, r, "X=1\n".getBytes(UTF_8));
    return RequestQueue.queueKey(r);
  }

  private static List<String> keys(RequestPoller poller) throws Exception {
    return poller.poll(k -> false).stream().map(RequestPoller.Found::queueKey).toList();
  }

  @Test
  void resumeAt_skipsWhatTheSavedMarkerPassed_butNeverMoreThanTheWindowBehindTheClock()
      throws Exception {
    FileObjectStore store = new FileObjectStore(tmp.resolve("store"));
    submit(store, 1, now.minus(Duration.ofHours(2)));
    String recent = submit(store, 2, now.minus(Duration.ofMinutes(5)));

    RequestPoller restarted = new RequestPoller(store, clock, null);
    restarted.resumeAt(RequestQueue.keyAt(now.minus(Duration.ofHours(1))));
    assertEquals(List.of(recent), keys(restarted));

    RequestPoller clockSetBack = new RequestPoller(store, clock, null);
    clockSetBack.resumeAt("queue/29991231T000000.000Z");
    assertEquals(List.of(recent), keys(clockSetBack));

    RequestPoller garbage = new RequestPoller(store, clock, null);
    garbage.resumeAt("queue/../../x");
    assertEquals(2, keys(garbage).size());
  }
}
