package dev.cairn.trigger;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.git.GitAuth;
import dev.cairn.git.GitClone;
import dev.cairn.git.GitTestRepos;
import dev.cairn.model.RunRequest;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jgit.lib.ObjectId;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RepoMirrorTest {
  @TempDir Path tmp;
  private String url;
  private ObjectId first;
  private ObjectId second;
  private ObjectId sideCommit;

  @BeforeEach
  void setUp() throws Exception {
    Path remote =
        GitTestRepos.bareRemote(tmp.resolve("remote.git"), "main", Map.of("README.md", "hi\n"));
    url = remote.toUri().toString();
    Path dev = tmp.resolve("dev");
    first =
        GitTestRepos.commitAndPush(
            url, "main", Map.of("config/config.env", "EPOCHS=1\n"), "One epoch\n\nbody", dev);
    second =
        GitTestRepos.commitAndPush(
            url, "main", Map.of("config/config.env", "EPOCHS=20\n"), "Twenty epochs", dev);
    sideCommit =
        GitTestRepos.commitAndPush(
            url, "experiment", Map.of("config/config.env", "EPOCHS=99\n"), "Side", dev);
  }

  private RepoMirror mirror(GitClone clone) {
    RepoMirror mirror = new RepoMirror(clone);
    mirror.fetch();
    return mirror;
  }

  @Test
  void isOnBranch_trueForReachableFalseOtherwise() {
    try (GitClone clone = GitClone.open(tmp.resolve("agent"), url, GitAuth.none())) {
      RepoMirror mirror = mirror(clone);
      assertTrue(mirror.isOnBranch(first.name(), "main"));
      assertTrue(mirror.isOnBranch(second.name().toUpperCase(), "main"));
      assertFalse(mirror.isOnBranch(sideCommit.name(), "main"));
      assertTrue(mirror.isOnBranch(sideCommit.name(), "experiment"));
      assertFalse(mirror.isOnBranch(first.name(), "no-such-branch"));
      assertFalse(mirror.isOnBranch("0123456789012345678901234567890123456789", "main"));
      assertFalse(mirror.isOnBranch(first.name().substring(0, 8), "main"));
      assertFalse(mirror.isOnBranch("$(rm -rf /)", "main"));
    }
  }

  @Test
  void readFile_returnsContentAtThatCommit() {
    try (GitClone clone = GitClone.open(tmp.resolve("agent"), url, GitAuth.none())) {
      RepoMirror mirror = mirror(clone);
      assertEquals(
          "EPOCHS=1\n",
          new String(mirror.readFile(first.name(), "config/config.env").orElseThrow(), UTF_8));
      assertEquals(
          "EPOCHS=20\n",
          new String(mirror.readFile(second.name(), "config/config.env").orElseThrow(), UTF_8));
      assertEquals(Optional.empty(), mirror.readFile(first.name(), "config/missing.env"));
      assertEquals(Optional.empty(), mirror.readFile(first.name(), "config"));
      assertEquals(
          Optional.empty(),
          mirror.readFile("0123456789012345678901234567890123456789", "config/config.env"));
    }
  }

  @Test
  void commitInfoAndBranchHead_describeTheRemote() {
    try (GitClone clone = GitClone.open(tmp.resolve("agent"), url, GitAuth.none())) {
      RepoMirror mirror = mirror(clone);
      RepoMirror.CommitInfo info = mirror.commitInfo(first.name()).orElseThrow();
      assertEquals(first.name(), info.sha());
      assertEquals("One epoch", info.subject());
      assertEquals("Dev", info.authorName());
      assertEquals("dev@example.org", info.authorEmail());
      assertEquals(Optional.of(second.name()), mirror.branchHead("main"));
      assertEquals(Optional.empty(), mirror.branchHead("gone"));
      assertEquals(Optional.empty(), mirror.commitInfo("not-a-sha"));
    }
  }

  @Test
  void open_reopensExistingCloneAndSeesNewCommits() throws Exception {
    try (GitClone clone = GitClone.open(tmp.resolve("agent"), url, GitAuth.none())) {
      mirror(clone);
    }
    ObjectId third =
        GitTestRepos.commitAndPush(url, "main", Map.of("x", "y"), "Third", tmp.resolve("dev"));
    try (GitClone clone = GitClone.open(tmp.resolve("agent"), url, GitAuth.none())) {
      RepoMirror mirror = new RepoMirror(clone);
      assertFalse(mirror.isOnBranch(third.name(), "main"));
      mirror.fetch();
      assertTrue(mirror.isOnBranch(third.name(), "main"));
    }
  }

  @Test
  void provenanceCheck_fetchesOncePerPass_howeverManyRequests() throws Exception {
    Path remote = tmp.resolve("remote.git");
    try (GitClone clone = GitClone.open(tmp.resolve("clone"), url, GitAuth.none())) {
      ProvenanceCheck check = new ProvenanceCheck(new RepoMirror(clone), java.util.List.of("main"));
      RunRequest first = request(this.first.name());
      RunRequest second = request(this.second.name());
      assertFalse(check.check(first, "EPOCHS=1\n".getBytes(UTF_8)).rejected());
      // the remote goes away: a second fetch in the same pass would fail
      java.nio.file.Files.move(remote, tmp.resolve("moved.git"));
      assertFalse(check.check(second, "EPOCHS=20\n".getBytes(UTF_8)).rejected());
      check.refresh();
      org.junit.jupiter.api.Assertions.assertThrows(
          RuntimeException.class, () -> check.check(second, "EPOCHS=20\n".getBytes(UTF_8)));
      // and a failed fetch is not tried again for every request of the pass
      java.nio.file.Files.move(tmp.resolve("moved.git"), remote);
      org.junit.jupiter.api.Assertions.assertThrows(
          RuntimeException.class, () -> check.check(first, "EPOCHS=1\n".getBytes(UTF_8)));
      assertEquals(-1, check.commitOrder(this.first.name(), this.second.name()));
      assertEquals(1, check.commitOrder(this.second.name(), this.first.name()));
      assertEquals(0, check.commitOrder(this.first.name(), "ef".repeat(20)));
    }
  }

  private static RunRequest request(String commit) {
    return new RunRequest(
        commit, "main", "1", null, null, java.time.Instant.now().toString(), null, 1, null);
  }
}
