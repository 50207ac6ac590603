package dev.cairn.git;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.CairnException;
import dev.cairn.testing.LogCapture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14: an agent killed during a push to a {@code file://} remote left {@code
 * refs/heads/main.lock} there; every later publish retried five times, "branch moved", forever.
 */
class GitStaleLockTest {
  @TempDir Path tmp;
  private Path remote;
  private Path lock;

  @BeforeEach
  void setUp() throws Exception {
    remote =
        GitTestRepos.bareRemote(
            tmp.resolve("remote.git"), "main", Map.of("config/config.env", "EPOCHS=1\n"));
    lock = remote.resolve("refs/heads/main.lock");
  }

  private GitClone agentClone() {
    return GitClone.open(tmp.resolve("agent"), remote.toUri().toString(), GitAuth.none());
  }

  private static Map<String, byte[]> files(String runId) {
    return Map.of(
        "results/" + runId + "/run.json", ("{\"run\":\"" + runId + "\"}\n").getBytes(UTF_8));
  }

  private void leaveLock(Duration age) throws Exception {
    Files.createDirectories(lock.getParent());
    Files.writeString(lock, "0".repeat(40) + "\n");
    Files.setLastModifiedTime(lock, FileTime.from(Instant.now().minus(age)));
  }

  /** The marker a push of an agent process leaves in its clone until the push ends. */
  private void leaveMarkerOfADeadPush(Instant begun) throws Exception {
    Process gone = new ProcessBuilder("true").start();
    gone.waitFor();
    Files.writeString(tmp.resolve("agent/cairn-push-" + gone.pid()), begun.toString());
  }

  @Test
  void push_clearsALockLeftByThisAgentsKilledPush() throws Exception {
    try (GitClone clone = agentClone()) {
      GitPublisher publisher = new GitPublisher(clone);
      publisher.publish("main", "results/r1", files("r1"), "r1");
      leaveMarkerOfADeadPush(Instant.now().minusSeconds(6));
      leaveLock(Duration.ofSeconds(5));
      String sha = publisher.publish("main", "results/r2", files("r2"), "r2");
      assertEquals(sha, GitTestRepos.head(remote, "main").name());
      assertFalse(Files.exists(lock));
      try (var markers = Files.list(tmp.resolve("agent"))) {
        assertTrue(markers.noneMatch(p -> p.getFileName().toString().startsWith("cairn-push-")));
      }
    }
  }

  @Test
  void push_clearsALockOlderThanAnyPushHoldsOne() throws Exception {
    try (GitClone clone = agentClone()) {
      leaveLock(RemoteLocks.STALE_AGE.plusSeconds(10));
      String sha = new GitPublisher(clone).publish("main", "results/r1", files("r1"), "r1");
      assertEquals(sha, GitTestRepos.head(remote, "main").name());
      assertFalse(Files.exists(lock));
    }
  }

  @Test
  void push_endsWithAClearErrorOnALockThatMayBeLive() throws Exception {
    AtomicInteger attempts = new AtomicInteger();
    try (GitClone clone = agentClone()) {
      GitPublisher publisher =
          new GitPublisher(clone, "Cairn agent", "cairn@localhost", a -> attempts.set(a));
      leaveLock(Duration.ZERO);
      CairnException e =
          assertThrows(
              CairnException.class,
              () -> publisher.publish("main", "results/r1", files("r1"), "r1"));
      assertTrue(e.getMessage().contains("refs/heads/main is locked"), e.getMessage());
      assertEquals(GitPublisher.MAX_PUSH_ATTEMPTS, attempts.get(), "bounded retries");
      assertTrue(Files.exists(lock), "a lock that a live push may hold is left alone");
      assertEquals(java.util.List.of("main"), publisher.pendingBranches());
    }
  }

  @Test
  void publish_saysThatAPendingCommitIsNotYetOnTheBranch() throws Exception {
    try (GitClone clone = agentClone();
        LogCapture logs = new LogCapture()) {
      GitPublisher publisher = new GitPublisher(clone);
      leaveLock(Duration.ZERO);
      assertThrows(
          CairnException.class, () -> publisher.publish("main", "results/r1", files("r1"), "r1"));
      assertThrows(
          CairnException.class, () -> publisher.publish("main", "results/r1", files("r1"), "r1"));
      assertTrue(
          logs.lines().stream().noneMatch(l -> l.contains("results already on main")),
          logs.lines().toString());
      assertTrue(
          logs.lines().stream().anyMatch(l -> l.contains("not yet on main")),
          logs.lines().toString());
    }
  }
}
