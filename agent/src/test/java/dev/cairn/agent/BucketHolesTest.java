package dev.cairn.agent;

import static dev.cairn.agent.BucketFixture.CONFIG;
import static dev.cairn.agent.BucketFixture.request;
import static dev.cairn.agent.BucketFixture.runUntilIdle;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.Json;
import dev.cairn.config.ExperimentConfig;
import dev.cairn.model.RunRequest;
import dev.cairn.model.StoreKeys;
import dev.cairn.store.ForwardingObjectStore;
import dev.cairn.store.ObjectStore;
import dev.cairn.store.StoredObject;
import dev.cairn.testing.LogCapture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The holes a bucket writer found after the first round of defences (issue 26), each replayed
 * against the loop: a date, a claim, a link or special file, or a request queued before CI's, and
 * each leaves the loop ticking and the genuine run going.
 */
class BucketHolesTest {
  @TempDir Path tmp;
  private BucketFixture f;

  @BeforeEach
  void setUp() throws Exception {
    f = new BucketFixture(tmp);
  }

  @AfterEach
  void tearDown() throws Exception {
    f.close();
  }

  private void putEntry(RunRequest request, String key) throws Exception {
    f.store.put(StoreKeys.configKey(request.commit()), CONFIG.getBytes(UTF_8));
    f.store.put(key, Json.MAPPER.writeValueAsBytes(request));
  }

  private Path storeFile(String key) {
    return f.store.root().resolve(key);
  }

  @Test
  void farFutureSubmittedAt_isRejectedAndTheLoopGoesOn() throws Exception {
    String far = "+1000000000-12-31T23:59:59Z";
    putEntry(request(f.commit, 1, far), BucketFixture.queueKeyNow(f.commit, 1));
    Agent agent = f.newAgent();
    try (LogCapture log = new LogCapture()) {
      agent.tick();
      agent.tick();
      assertEquals(
          1,
          log.lines().stream().filter(l -> l.contains(far + "' is not from")).count(),
          log.lines().toString());
    }
    assertTrue(agent.runs().isEmpty());
    f.submit(request(f.commit, 1), CONFIG);
    runUntilIdle(agent);
    assertEquals("SUCCEEDED", f.status(f.commit).get("state").asText());
  }

  @Test
  void runRecordWithAFarFutureSubmittedAt_fromAnOlderAgent_doesNotStopTheLoop() throws Exception {
    f.submit(request(f.commit, 1), CONFIG);
    Agent first = f.newAgent();
    first.tick();
    Run run = first.runs().values().iterator().next();
    RunRequest r = run.request();
    Runs.storedWith(
        f.settings().stateDir(),
        run,
        new RunRequest(
            r.commit(), "main", null, null, null, "+1000000000-12-31T23:59:59Z", null, 1, null));
    Agent second = f.newAgent();
    runUntilIdle(second);
    assertEquals("SUCCEEDED", f.status(f.commit).get("state").asText());
    second.tick();
  }

  @Test
  void forgedLateDate_forACommitThatExistsNowhere_supersedesNoRun() throws Exception {
    f.env.put("CAIRN_SUPERSEDE", "latest");
    String nowhere = "cd".repeat(20);
    f.submit(request(nowhere, 1, Instant.now().plus(Duration.ofHours(23)).toString()), CONFIG);
    Agent agent = f.newAgent();
    agent.tick();
    f.submit(request(f.commit, 1), CONFIG);
    runUntilIdle(agent);
    assertEquals("REJECTED", f.status(nowhere).get("state").asText());
    assertEquals("SUCCEEDED", f.status(f.commit).get("state").asText());
    // the forged record survives a restart and still supersedes nothing
    String second = f.push(CONFIG.replace("EPOCHS=3", "EPOCHS=4"), "Four epochs");
    Agent restarted = f.newAgent();
    f.submit(request(second, 1), CONFIG.replace("EPOCHS=3", "EPOCHS=4"));
    runUntilIdle(restarted);
    assertEquals("SUCCEEDED", f.status(second).get("state").asText());
  }

  @Test
  void newerCommitOnTheBranch_supersedesTheOlderRunWhateverTheirDatesSay() throws Exception {
    f.env.put("CAIRN_SUPERSEDE", "latest");
    String slow = CONFIG.replace("EPOCHS=3", "EPOCHS=400").replace("TIME_LIMIT=5", "TIME_LIMIT=30");
    String older = f.push(slow, "Slow run");
    String newer = f.push(CONFIG.replace("EPOCHS=3", "EPOCHS=4"), "Four epochs");
    // the older commit's request claims to be newer than the newer one's
    f.submit(request(older, 1, Instant.now().plus(Duration.ofHours(5)).toString()), slow);
    Agent agent = f.newAgent();
    agent.tick();
    f.submit(request(newer, 1), CONFIG.replace("EPOCHS=3", "EPOCHS=4"));
    runUntilIdle(agent);
    assertEquals("CANCELLED", f.status(older).get("state").asText());
    assertTrue(f.status(older).get("message").asText().contains("superseded by commit " + newer));
    assertEquals("SUCCEEDED", f.status(newer).get("state").asText());
  }

  /** A store that records every read of bucket-written keys made without a size limit. */
  static final class UnboundedReads extends ForwardingObjectStore {
    final List<String> keys = Collections.synchronizedList(new ArrayList<>());

    UnboundedReads(ObjectStore delegate) {
      super(delegate);
    }

    @Override
    public Optional<StoredObject> get(String key) throws IOException {
      if (key.startsWith("runs/") || key.startsWith("requests/") || key.startsWith("queue/")) {
        keys.add(key);
      }
      return delegate.get(key);
    }

    @Override
    public Optional<StoredObject> get(String key, long maxBytes) throws IOException {
      return delegate.get(key, maxBytes);
    }
  }

  @Test
  void plantedHugeClaim_isReadOnlyUpToItsLimit() throws Exception {
    UnboundedReads reads = new UnboundedReads(f.store);
    f.storeWrapper = s -> reads;
    Files.createDirectories(storeFile("runs/" + f.commit));
    try (var file =
        new java.io.RandomAccessFile(storeFile(StoreKeys.claimKey(f.commit, 1)).toFile(), "rw")) {
      file.setLength(300L << 20);
    }
    f.submit(request(f.commit, 1), CONFIG);
    Agent agent = f.newAgent();
    try (LogCapture log = new LogCapture()) {
      agent.tick();
      agent.tick();
      assertTrue(
          log.lines().stream().anyMatch(l -> l.contains("is claimed by another agent")),
          log.lines().toString());
    }
    assertEquals(List.of(), reads.keys);
    assertTrue(agent.runs().isEmpty());
  }

  @Test
  void symlinkedRunFolder_getsNoClaimWrittenThroughIt() throws Exception {
    Path outside = Files.createDirectories(tmp.resolve("outside"));
    Files.createDirectories(storeFile("runs"));
    Files.createSymbolicLink(storeFile("runs/" + f.commit), outside);
    f.submit(request(f.commit, 1), CONFIG);
    Agent agent = f.newAgent();
    try (LogCapture log = new LogCapture()) {
      agent.tick();
      agent.tick();
      assertEquals(
          1,
          log.lines().stream().filter(l -> l.contains("behind a symbolic link")).count(),
          log.lines().toString());
    }
    try (var files = Files.list(outside)) {
      assertEquals(List.of(), files.toList());
    }
    String other = f.push(CONFIG.replace("EPOCHS=3", "EPOCHS=4"), "Four epochs");
    f.submit(request(other, 1), CONFIG.replace("EPOCHS=3", "EPOCHS=4"));
    runUntilIdle(agent);
    assertEquals("SUCCEEDED", f.status(other).get("state").asText());
  }

  @Test
  void symlinkedConfig_leaksNothingIntoARun() throws Exception {
    Path secret = Files.writeString(tmp.resolve("secret.env"), "EXPERIMENT_NAME=leaked\n");
    f.submit(request(f.commit, 1), CONFIG);
    Path config = storeFile(StoreKeys.configKey(f.commit));
    Files.delete(config);
    Files.createSymbolicLink(config, secret);
    Agent agent = f.newAgent();
    agent.tick();
    agent.tick();
    assertTrue(agent.runs().isEmpty(), agent.runs().keySet().toString());
  }

  @Test
  void fifoAsConfig_isAnErrorForThatEntryAlone() throws Exception {
    f.submit(request(f.commit, 1), CONFIG);
    Path config = storeFile(StoreKeys.configKey(f.commit));
    Files.delete(config);
    Process mkfifo = new ProcessBuilder("mkfifo", config.toString()).start();
    assertEquals(0, mkfifo.waitFor());
    Agent agent = f.newAgent();
    try (LogCapture log = new LogCapture()) {
      assertTimeoutPreemptively(Duration.ofSeconds(30), () -> agent.tick());
      assertTrue(
          log.lines().stream().anyMatch(l -> l.contains("a FIFO, socket or device")),
          log.lines().toString());
    }
    assertTrue(agent.runs().isEmpty());
  }

  @Test
  void requestFailingProvenance_doesNotUseUpTheGenuineRequestsAttempt() throws Exception {
    String forged = CONFIG.replace("EPOCHS=3", "EPOCHS=1");
    f.submit(request(f.commit, 1, Instant.now().minusSeconds(5).toString()), forged);
    Agent agent = f.newAgent();
    agent.tick();
    assertEquals("REJECTED", f.status(f.commit).get("state").asText());
    String first = agent.runs().get(f.commit + "-a1").queueKey();
    // the same forged config again is not received again: it would fail the same way
    f.submit(request(f.commit, 1, Instant.now().minusSeconds(2).toString()), forged);
    agent.tick();
    agent.tick();
    assertEquals(first, agent.runs().get(f.commit + "-a1").queueKey());
    f.submit(request(f.commit, 1), CONFIG);
    runUntilIdle(agent);
    assertEquals("SUCCEEDED", f.status(f.commit).get("state").asText());
    assertEquals(1, f.status(f.commit).get("attempt").asInt());
    assertEquals(1, agent.runs().size());
  }

  @Test
  void entryWithoutConfig_isLoggedOnceNotEveryTick() throws Exception {
    RunRequest r = request(f.commit, 1);
    f.store.put(dev.cairn.trigger.RequestQueue.queueKey(r), Json.MAPPER.writeValueAsBytes(r));
    Agent agent = f.newAgent();
    try (LogCapture log = new LogCapture()) {
      for (int i = 0; i < 4; i++) {
        agent.tick();
      }
      assertEquals(
          1,
          log.lines().stream().filter(l -> l.contains("has no config.env yet")).count(),
          log.lines().toString());
    }
    f.store.put(StoreKeys.configKey(f.commit), CONFIG.getBytes(UTF_8));
    runUntilIdle(agent);
    assertEquals("SUCCEEDED", f.status(f.commit).get("state").asText());
  }

  @Test
  void rejectedRun_keepsACompactRecordAndNoFolder() throws Exception {
    String nowhere = "ef".repeat(20);
    RunRequest noisy =
        new RunRequest(
            nowhere,
            "main",
            "77",
            "x".repeat(10_000),
            "y".repeat(5_000),
            Instant.now().toString(),
            ExperimentConfig.sha256(CONFIG.getBytes(UTF_8)),
            1,
            null);
    f.submit(noisy, CONFIG);
    Agent agent = f.newAgent();
    agent.tick();
    agent.tick();
    Run run = agent.runs().get(nowhere + "-a1");
    assertEquals("REJECTED", run.state().name());
    assertNull(run.runDir());
    assertNull(run.request().author());
    assertNull(run.request().message());
    assertFalse(Files.exists(tmp.resolve("work/runs/" + nowhere + "-a1")));
    long bytes = Files.size(f.settings().stateDir().resolve("runs/" + nowhere + "-a1.json"));
    assertTrue(bytes < 1500, bytes + " bytes");
  }
}
