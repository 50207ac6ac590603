package dev.cairn.git;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.CairnException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GitPublisherTest {
  @TempDir Path tmp;
  private Path remote;
  private String url;

  @BeforeEach
  void setUp() throws Exception {
    remote =
        GitTestRepos.bareRemote(
            tmp.resolve("remote.git"),
            "main",
            Map.of("config/config.env", "EPOCHS=1\n", ".gitignore", "*.ckpt\n"));
    url = remote.toUri().toString();
  }

  private GitClone clone(String name) {
    return GitClone.open(tmp.resolve(name), url, GitAuth.none());
  }

  private static Map<String, byte[]> runFiles(String runId) {
    Map<String, byte[]> files = new LinkedHashMap<>();
    files.put(
        "results/" + runId + "/run.json", ("{\"run_id\":\"" + runId + "\"}\n").getBytes(UTF_8));
    files.put("results/" + runId + "/summary.md", ("# " + runId + "\n").getBytes(UTF_8));
    files.put(".gitignore", ("/results/" + runId + "/out\n").getBytes(UTF_8));
    return files;
  }

  @Test
  void publish_writesFilesCommitsAndPushes() throws Exception {
    RevCommit before = GitTestRepos.head(remote, "main");
    String message = "Results of abc1234: 3 jobs SUCCEEDED\n\nConfig-Commit: abc1234\n";
    try (GitClone clone = clone("agent")) {
      String sha = new GitPublisher(clone).publish("main", "results/r1", runFiles("r1"), message);

      RevCommit head = GitTestRepos.head(remote, "main");
      assertEquals(sha, head.name());
      assertEquals(message, head.getFullMessage());
      assertEquals(before, head.getParent(0));
      assertEquals("Cairn agent", head.getAuthorIdent().getName());
      assertEquals("cairn@localhost", head.getCommitterIdent().getEmailAddress());
      assertEquals("{\"run_id\":\"r1\"}\n", GitTestRepos.read(remote, head, "results/r1/run.json"));
      assertEquals("*.ckpt\n/results/r1/out\n", GitTestRepos.read(remote, head, ".gitignore"));
      assertEquals("EPOCHS=1\n", GitTestRepos.read(remote, head, "config/config.env"));
      assertTrue(new GitPublisher(clone).pendingBranches().isEmpty());
    }
  }

  @Test
  void publish_replacesRunFolderOnRepublish() throws Exception {
    try (GitClone clone = clone("agent")) {
      GitPublisher publisher = new GitPublisher(clone, "Lab bot", "bot@lab.example");
      publisher.publish("main", "results/r1", runFiles("r1"), "first");
      Map<String, byte[]> second = Map.of("results/r1/run.json", "{}".getBytes(UTF_8));
      String sha = publisher.publish("main", "results/r1/", second, "second");

      ObjectId head = ObjectId.fromString(sha);
      assertEquals("{}", GitTestRepos.read(remote, head, "results/r1/run.json"));
      assertNull(GitTestRepos.read(remote, head, "results/r1/summary.md"));
      assertEquals("Lab bot", GitTestRepos.head(remote, "main").getAuthorIdent().getName());
    }
  }

  @Test
  void publish_sameContentTwiceReturnsFirstCommit() throws Exception {
    try (GitClone clone = clone("agent")) {
      GitPublisher publisher = new GitPublisher(clone);
      String first = publisher.publish("main", "results/r1", runFiles("r1"), "results r1");
      String again = publisher.publish("main", "results/r1", runFiles("r1"), "results r1");
      assertEquals(first, again);
      assertEquals(first, GitTestRepos.head(remote, "main").name());
    }
  }

  @Test
  void publish_rebasesWhenBranchMovesBetweenFetchAndPush() throws Exception {
    Path developer = tmp.resolve("developer");
    List<ObjectId> landed = new ArrayList<>();
    try (GitClone clone = clone("agent")) {
      GitPublisher publisher =
          new GitPublisher(
              clone,
              "Cairn agent",
              "cairn@localhost",
              attempt -> {
                if (attempt == 1) {
                  landed.add(
                      GitTestRepos.commitAndPush(
                          url,
                          "main",
                          Map.of(
                              "config/config.env", "EPOCHS=20\n", ".gitignore", "*.ckpt\n*.log\n"),
                          "More epochs",
                          developer));
                }
              });
      String sha = publisher.publish("main", "results/r1", runFiles("r1"), "results r1");

      RevCommit head = GitTestRepos.head(remote, "main");
      assertEquals(sha, head.name());
      assertEquals(landed.get(0), head.getParent(0));
      assertEquals("EPOCHS=20\n", GitTestRepos.read(remote, head, "config/config.env"));
      assertEquals("{\"run_id\":\"r1\"}\n", GitTestRepos.read(remote, head, "results/r1/run.json"));
      assertEquals(
          "*.ckpt\n*.log\n/results/r1/out\n", GitTestRepos.read(remote, head, ".gitignore"));
      assertEquals("results r1", head.getFullMessage());
    }
  }

  @Test
  void publish_twoPublishersAtOnceBothLand() throws Exception {
    int runsEach = 3;
    ExecutorService pool = Executors.newFixedThreadPool(2);
    CountDownLatch start = new CountDownLatch(1);
    try (GitClone a = clone("agent-a");
        GitClone b = clone("agent-b")) {
      List<Future<List<String>>> futures = new ArrayList<>();
      for (GitClone clone : List.of(a, b)) {
        String side = clone == a ? "a" : "b";
        futures.add(
            pool.submit(
                () -> {
                  start.await();
                  GitPublisher publisher = new GitPublisher(clone);
                  List<String> shas = new ArrayList<>();
                  for (int i = 0; i < runsEach; i++) {
                    String run = side + i;
                    shas.add(publisher.publish("main", "results/" + run, runFiles(run), run));
                  }
                  return shas;
                }));
      }
      start.countDown();
      List<String> all = new ArrayList<>();
      for (Future<List<String>> f : futures) {
        all.addAll(f.get(60, TimeUnit.SECONDS));
      }
      RevCommit head = GitTestRepos.head(remote, "main");
      for (String sha : all) {
        assertTrue(GitTestRepos.contains(remote, head, ObjectId.fromString(sha)), sha);
      }
      String ignore = GitTestRepos.read(remote, head, ".gitignore");
      for (String side : List.of("a", "b")) {
        for (int i = 0; i < runsEach; i++) {
          String run = side + i;
          assertEquals(
              "{\"run_id\":\"" + run + "\"}\n",
              GitTestRepos.read(remote, head, "results/" + run + "/run.json"));
          assertTrue(ignore.contains("/results/" + run + "/out\n"), ignore);
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void pushAll_pushesCommitLeftUnpushedByACrash() throws Exception {
    RevCommit before = GitTestRepos.head(remote, "main");
    try (GitClone clone = clone("agent")) {
      GitPublisher crashing = killedBeforePush(clone);
      assertThrows(
          IllegalStateException.class,
          () -> crashing.publish("main", "results/r1", runFiles("r1"), "results r1"));
      assertEquals(before, GitTestRepos.head(remote, "main"));
      assertEquals(List.of("main"), crashing.pendingBranches());
    }
    ObjectId other =
        GitTestRepos.commitAndPush(
            url, "main", Map.of("README.md", "hi\n"), "Docs", tmp.resolve("developer"));

    try (GitClone reopened = clone("agent")) {
      GitPublisher publisher = new GitPublisher(reopened);
      Optional<String> pushed = publisher.pushAll("main");

      assertTrue(pushed.isPresent());
      RevCommit head = GitTestRepos.head(remote, "main");
      assertEquals(pushed.get(), head.name());
      assertEquals(other, head.getParent(0));
      assertEquals("results r1", head.getFullMessage());
      assertEquals("{\"run_id\":\"r1\"}\n", GitTestRepos.read(remote, head, "results/r1/run.json"));
      assertEquals(Optional.empty(), publisher.pushAll("main"));
      assertTrue(publisher.pendingBranches().isEmpty());
    }
  }

  @Test
  void publish_includesEarlierUnpushedCommit() throws Exception {
    try (GitClone clone = clone("agent")) {
      assertThrows(
          IllegalStateException.class,
          () ->
              killedBeforePush(clone).publish("main", "results/r1", runFiles("r1"), "results r1"));
      String sha = new GitPublisher(clone).publish("main", "results/r2", runFiles("r2"), "r2");

      RevCommit head = GitTestRepos.head(remote, "main");
      assertEquals(sha, head.name());
      assertEquals("results r1", GitTestRepos.commit(remote, head.getParent(0)).getFullMessage());
      assertEquals("{\"run_id\":\"r1\"}\n", GitTestRepos.read(remote, head, "results/r1/run.json"));
      assertEquals("{\"run_id\":\"r2\"}\n", GitTestRepos.read(remote, head, "results/r2/run.json"));
    }
  }

  @Test
  void publish_missingBranchNamesTheFix() throws Exception {
    try (GitClone clone = clone("agent")) {
      CairnException e =
          assertThrows(
              CairnException.class,
              () -> new GitPublisher(clone).publish("nope", "results/r1", runFiles("r1"), "m"));
      assertTrue(e.getMessage().contains("branch nope does not exist"), e.getMessage());
    }
  }

  @Test
  void publish_rejectsPathsOutsideTheRepository() throws Exception {
    try (GitClone clone = clone("agent")) {
      GitPublisher publisher = new GitPublisher(clone);
      for (String bad : List.of("../x", "/abs", "results/../../x", ".git/config", "a//b")) {
        assertThrows(
            IllegalArgumentException.class,
            () -> publisher.publish("main", "results/r1", Map.of(bad, new byte[0]), "m"),
            bad);
      }
      assertThrows(
          CairnException.class,
          () -> publisher.publish("bad..branch", "results/r1", runFiles("r1"), "m"));
      assertFalse(publisher.pendingBranches().contains("main"));
    }
  }

  @Test
  void publishOnce_twoAgentsRacing_oneCommitReachesTheBranch_andTheLaterAdoptsIt()
      throws Exception {
    String marker = "results/r1/run.json";
    try (GitClone a = clone("a");
        GitClone b = clone("b")) {
      GitPublisher other = new GitPublisher(b);
      List<String> othersCommit = new ArrayList<>();
      // agent b publishes the same run between agent a's commit and its push
      GitPublisher first =
          new GitPublisher(
              a,
              "Cairn agent",
              "a@example.org",
              attempt -> {
                if (attempt == 1) {
                  othersCommit.add(
                      other.publishOnce(
                          "main", "results/r1", runFiles("r1"), "Results of r1 (b)\n", marker));
                }
              });
      String adopted =
          first.publishOnce("main", "results/r1", runFiles("r1"), "Results of r1 (a)\n", marker);
      assertEquals(othersCommit.get(0), adopted);
      assertEquals(adopted, GitTestRepos.head(remote, "main").name());
      assertTrue(first.pendingBranches().isEmpty(), "agent a's commit was dropped");
      // asked again (a restart), each returns the one commit without another
      assertEquals(
          adopted,
          first.publishOnce("main", "results/r1", runFiles("r1"), "Results of r1 (a)\n", marker));
      assertEquals(
          adopted,
          other.publishOnce("main", "results/r1", runFiles("r1"), "Results of r1 (b)\n", marker));
      int results = 0;
      try (org.eclipse.jgit.api.Git git = org.eclipse.jgit.api.Git.open(remote.toFile())) {
        for (RevCommit c : git.log().call()) {
          results += c.getFullMessage().startsWith("Results of r1") ? 1 : 0;
        }
      }
      assertEquals(1, results);
      // another run's results still publish on top
      String r2 =
          first.publishOnce(
              "main", "results/r2", runFiles("r2"), "Results of r2\n", "results/r2/run.json");
      assertEquals(r2, GitTestRepos.head(remote, "main").name());
      assertEquals(adopted, GitTestRepos.head(remote, "main").getParent(0).name());
    }
  }

  @Test
  void publishOnce_aCommitLeftByACrash_isDroppedWhereAnotherAgentPublishedFirst() throws Exception {
    try (GitClone a = clone("a");
        GitClone b = clone("b")) {
      GitPublisher crashing = killedBeforePush(a);
      assertThrows(RuntimeException.class, () -> publishR1(crashing));
      assertFalse(crashing.pendingBranches().isEmpty(), "the commit is left pending");
      String theirs = publishR1(new GitPublisher(b));
      GitPublisher restarted = new GitPublisher(a);
      assertEquals(theirs, publishR1(restarted));
      assertTrue(restarted.pendingBranches().isEmpty(), "the left commit was dropped");
      assertEquals(theirs, GitTestRepos.head(remote, "main").name());
    }
  }

  @Test
  void publishOnce_aCommitLeftByACrashUnderAnotherRunsCommit_isDropped_theOtherIsKept()
      throws Exception {
    try (GitClone a = clone("a");
        GitClone b = clone("b")) {
      GitPublisher crashing = killedBeforePush(a);
      assertThrows(RuntimeException.class, () -> publishR1(crashing));
      // another run's commit, also left pending, on top of it
      assertThrows(
          RuntimeException.class,
          () -> crashing.publish("main", "results/r0", runFiles("r0"), "Results of r0\n"));
      String theirs = publishR1(new GitPublisher(b));
      GitPublisher restarted = new GitPublisher(a);
      assertEquals(theirs, publishR1(restarted));
      assertEquals(List.of("main"), restarted.pendingBranches(), "the other run's commit waits");
      String r0 = restarted.pushAll("main").orElseThrow();
      assertEquals(r0, GitTestRepos.head(remote, "main").name());
      assertEquals(theirs, GitTestRepos.head(remote, "main").getParent(0).name());
      int r1s = 0;
      try (org.eclipse.jgit.api.Git git = org.eclipse.jgit.api.Git.open(remote.toFile())) {
        for (RevCommit c : git.log().call()) {
          r1s += c.getFullMessage().equals("Results of r1\n") ? 1 : 0;
        }
      }
      assertEquals(1, r1s, "one results commit of r1");
    }
  }

  /** Publishes run r1's results once, marked by its run.json, as the agent does. */
  private String publishR1(GitPublisher publisher) throws Exception {
    return publisher.publishOnce(
        "main", "results/r1", runFiles("r1"), "Results of r1\n", "results/r1/run.json");
  }

  /** A publisher whose agent is killed after it committed and before it pushed. */
  private static GitPublisher killedBeforePush(GitClone clone) {
    return new GitPublisher(
        clone,
        "Cairn agent",
        "cairn@localhost",
        attempt -> {
          throw new IllegalStateException("killed before the push");
        });
  }
}
