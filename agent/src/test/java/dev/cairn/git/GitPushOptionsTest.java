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
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.StoredConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pushes through native {@code git daemon} to native {@code git receive-pack}. JGit's own file://
 * transport answers pushes in-process and runs no hooks, so it cannot show what a real server
 * received; here a {@code pre-receive} hook writes the {@code GIT_PUSH_OPTION_*} variables that
 * receive-pack sets, which is how GitLab sees {@code ci.skip}.
 */
class GitPushOptionsTest {
  @TempDir Path tmp;
  private Path served;
  private GitDaemon daemon;

  @BeforeEach
  void setUp() throws Exception {
    served = Files.createDirectories(tmp.resolve("served"));
    daemon = GitDaemon.start(served, tmp.resolve("daemon.log"));
  }

  @AfterEach
  void tearDown() throws Exception {
    daemon.close();
  }

  /** A served bare repository whose pre-receive hook logs push options, or fails when told. */
  private Path remote(String name, boolean advertisePushOptions, String rejectWith)
      throws Exception {
    Path dir =
        GitTestRepos.bareRemote(served.resolve(name), "main", Map.of("config/config.env", "A=1\n"));
    try (Git git = Git.open(dir.toFile())) {
      StoredConfig config = git.getRepository().getConfig();
      config.setBoolean("receive", null, "advertisePushOptions", advertisePushOptions);
      config.save();
    }
    Path log = dir.resolve("push-options.log");
    String hook =
        "#!/bin/sh\n"
            + "cat >/dev/null\n"
            + "echo \"count=${GIT_PUSH_OPTION_COUNT:-none}\" >> '"
            + log
            + "'\n"
            + "env | grep '^GIT_PUSH_OPTION_[0-9]' | sort >> '"
            + log
            + "'\n"
            + (rejectWith == null ? "exit 0\n" : "echo '" + rejectWith + "' >&2\nexit 1\n");
    Path hookFile = dir.resolve("hooks/pre-receive");
    Files.createDirectories(hookFile.getParent());
    Files.writeString(hookFile, hook);
    Files.setPosixFilePermissions(hookFile, PosixFilePermissions.fromString("rwxr-xr-x"));
    return dir;
  }

  private static Map<String, byte[]> files() {
    return Map.of("results/r1/run.json", "{}\n".getBytes(UTF_8));
  }

  @Test
  void publish_sendsCiSkipPushOption() throws Exception {
    Path remote = remote("exp.git", true, null);
    try (GitClone clone =
        GitClone.open(tmp.resolve("agent"), daemon.url("exp.git"), GitAuth.none())) {
      String sha = new GitPublisher(clone).publish("main", "results/r1", files(), "results r1");

      assertEquals(sha, GitTestRepos.head(remote, "main").name());
      assertEquals(
          "count=1\nGIT_PUSH_OPTION_0=ci.skip\n",
          Files.readString(remote.resolve("push-options.log")));
    }
  }

  @Test
  void publish_pushesWithoutOptionsWhenRemoteLacksSupport() throws Exception {
    Path remote = remote("plain.git", false, null);
    try (GitClone clone =
            GitClone.open(tmp.resolve("agent"), daemon.url("plain.git"), GitAuth.none());
        LogCapture logs = new LogCapture()) {
      GitPublisher publisher = new GitPublisher(clone);
      String first = publisher.publish("main", "results/r1", files(), "results r1");
      String second =
          publisher.publish("main", "results/r2", Map.of("results/r2/a", new byte[] {1}), "r2");

      assertEquals(second, GitTestRepos.head(remote, "main").name());
      assertTrue(
          GitTestRepos.contains(
              remote, GitTestRepos.head(remote, "main"), ObjectId.fromString(first)));
      assertEquals("count=0\ncount=0\n", Files.readString(remote.resolve("push-options.log")));
      assertEquals(
          1,
          logs.lines().stream().filter(l -> l.startsWith("WARN") && l.contains("ci.skip")).count(),
          logs.lines().toString());
    }
  }

  @Test
  void publish_hookRejectionNamesRemoteAndStatus() throws Exception {
    Path remote = remote("guarded.git", true, "branch main is protected");
    String before = GitTestRepos.head(remote, "main").name();
    try (GitClone clone =
        GitClone.open(tmp.resolve("agent"), daemon.url("guarded.git"), GitAuth.none())) {
      GitPublisher publisher = new GitPublisher(clone);
      CairnException e =
          assertThrows(
              CairnException.class,
              () -> publisher.publish("main", "results/r1", files(), "results r1"));

      assertTrue(e.getMessage().contains(daemon.url("guarded.git")), e.getMessage());
      assertTrue(e.getMessage().contains("REJECTED_OTHER_REASON"), e.getMessage());
      assertEquals(before, GitTestRepos.head(remote, "main").name());
      assertFalse(publisher.pendingBranches().isEmpty(), "the results commit must be kept");
    }
  }
}
