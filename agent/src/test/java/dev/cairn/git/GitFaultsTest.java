package dev.cairn.git;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.CairnException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.transport.RefSpec;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Git faults during a publish, on real bare remotes: the results commit is never lost or doubled.
 */
class GitFaultsTest {
  @TempDir Path tmp;
  private Path remote;
  private String url;

  @BeforeEach
  void setUp() throws Exception {
    remote =
        GitTestRepos.bareRemote(
            tmp.resolve("remote.git"), "main", Map.of("config/config.env", "EPOCHS=1\n"));
    url = remote.toUri().toString();
  }

  private GitClone agentClone() {
    return GitClone.open(tmp.resolve("agent"), url, GitAuth.none());
  }

  private static Map<String, byte[]> files(String runId) {
    return Map.of(
        "results/" + runId + "/run.json", ("{\"run\":\"" + runId + "\"}\n").getBytes(UTF_8));
  }

  @Test
  void push_remoteDownDuringPush_keepsTheCommitAndPushesItOnceWhenBack() throws Exception {
    Path away = tmp.resolve("remote-away.git");
    try (GitClone clone = agentClone()) {
      GitPublisher publisher =
          new GitPublisher(
              clone,
              "Cairn agent",
              "cairn@localhost",
              attempt -> Files.move(remote, away)); // the server goes down as the push starts
      assertThrows(
          CairnException.class, () -> publisher.publish("main", "results/r1", files("r1"), "r1"));
      Files.move(away, remote);
      assertEquals(List.of("main"), publisher.pendingBranches());
      Optional<String> pushed = new GitPublisher(clone).pushAll("main");
      assertTrue(pushed.isPresent());
      RevCommit head = GitTestRepos.head(remote, "main");
      assertEquals(pushed.get(), head.name());
      assertEquals("r1", head.getFullMessage());
      assertEquals("EPOCHS=1\n", GitTestRepos.read(remote, head.getParent(0), "config/config.env"));
      assertEquals(
          head.name(), new GitPublisher(clone).publish("main", "results/r1", files("r1"), "r1"));
    }
  }

  @Test
  void push_rejectedEveryTime_endsAfterBoundedAttemptsAndKeepsTheCommit() throws Exception {
    try (GitClone clone = agentClone()) {
      GitPublisher publisher =
          new GitPublisher(
              clone,
              "Cairn agent",
              "cairn@localhost",
              attempt ->
                  GitTestRepos.commitAndPush(
                      url,
                      "main",
                      Map.of("notes/" + attempt + ".txt", "n"),
                      "someone else " + attempt,
                      tmp.resolve("dev")));
      CairnException e =
          assertThrows(
              CairnException.class,
              () -> publisher.publish("main", "results/r1", files("r1"), "r1"));
      assertTrue(e.getMessage().contains("still rejected after 5 attempts"), e.getMessage());
      assertEquals(List.of("main"), publisher.pendingBranches());
      String sha = new GitPublisher(clone).publish("main", "results/r1", files("r1"), "r1");
      RevCommit head = GitTestRepos.head(remote, "main");
      assertEquals(sha, head.name());
      assertEquals(
          "someone else 5", GitTestRepos.commit(remote, head.getParent(0)).getFullMessage());
    }
  }

  @Test
  void push_afterTheRemoteWasRewritten_rebasesOntoTheNewHistory() throws Exception {
    try (GitClone clone = agentClone()) {
      GitPublisher publisher = new GitPublisher(clone);
      publisher.publish("main", "results/r1", files("r1"), "r1");
      RevCommit rewritten = forcePushNewHistory();
      String sha = publisher.publish("main", "results/r2", files("r2"), "r2");
      RevCommit head = GitTestRepos.head(remote, "main");
      assertEquals(sha, head.name());
      assertEquals(rewritten, head.getParent(0));
      assertNotNull(GitTestRepos.read(remote, head, "results/r2/run.json"));
      assertNull(
          GitTestRepos.read(remote, head, "results/r1/run.json"), "r1 went with the rewrite");
      assertTrue(publisher.pendingBranches().isEmpty());
    }
  }

  /** Someone replaces main with an unrelated history, as `git push --force` does. */
  private RevCommit forcePushNewHistory() throws Exception {
    Path work = tmp.resolve("rewriter");
    try (Git git = Git.init().setInitialBranch("main").setDirectory(work.toFile()).call()) {
      Files.createDirectories(work.resolve("config"));
      Files.writeString(work.resolve("config/config.env"), "EPOCHS=2\n");
      git.add().addFilepattern(".").call();
      RevCommit c = git.commit().setMessage("rewritten").setAuthor("Dev", "dev@example.org").call();
      git.push()
          .setRemote(url)
          .setRefSpecs(new RefSpec("+refs/heads/main:refs/heads/main"))
          .setForce(true)
          .call();
      return c;
    }
  }
}
