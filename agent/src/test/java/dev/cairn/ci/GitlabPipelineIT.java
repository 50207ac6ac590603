package dev.cairn.ci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.git.GitDaemon;
import dev.cairn.testing.AgentProcess;
import dev.cairn.testing.Fixtures;
import dev.cairn.testing.GitlabCiLocal;
import dev.cairn.testing.S3ProxyServer;
import dev.cairn.testing.SlurmCluster;
import dev.cairn.testing.UsesSlurm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The GitOps loop as users adopt it: a researcher commits a config change and pushes it to the Git
 * server (native git daemon, whose pre-receive hook records push options as GitLab's server sees
 * them), GitLab runs {@code ci/.gitlab-ci.yml} ({@code gitlab-ci-local}), the agent daemon, started
 * as a user starts it, runs the demo tasks on the real SLURM with S3Proxy as store and DVC remote,
 * and the pipeline passes or fails with the run.
 */
@UsesSlurm
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GitlabPipelineIT {
  @TempDir static Path tmp;
  static S3ProxyServer s3;
  static GitDaemon git;
  static AgentProcess agent;
  static GitlabCiLocal gitlab;
  static Path served;
  static Path clone;
  static String remote;
  static String baseConfig;

  @BeforeAll
  static void start() throws Exception {
    SlurmCluster.ensure();
    gitlab = GitlabCiLocal.ensure(Files.createDirectories(tmp.resolve("gitlab-home")));
    s3 = S3ProxyServer.start(tmp.resolve("s3"));
    served = Files.createDirectories(tmp.resolve("served"));
    Path bare = served.resolve("experiments.git");
    Fixtures.git(tmp, "init", "-q", "--bare", "-b", "main", bare.toString());
    Fixtures.git(bare, "config", "receive.advertisePushOptions", "true");
    Path hook = bare.resolve("hooks/pre-receive");
    Files.writeString(
        hook,
        "#!/bin/sh\ncat >/dev/null\necho \"push options: ${GIT_PUSH_OPTION_COUNT:-0} ${GIT_PUSH_OPTION_0:-}\" >> '"
            + tmp.resolve("pushes.log")
            + "'\n");
    Files.setPosixFilePermissions(hook, PosixFilePermissions.fromString("rwxr-xr-x"));
    git = GitDaemon.start(served, tmp.resolve("git-daemon.log"));
    remote = git.url("experiments.git");

    clone = tmp.resolve("researcher");
    Fixtures.git(tmp, "clone", "-q", remote, clone.toString());
    Fixtures.git(clone, "checkout", "-q", "-B", "main");
    for (String part : List.of("config", "templates", "ci")) {
      Fixtures.copyTree(Fixtures.projectDir().resolve(part), clone.resolve(part));
    }
    baseConfig = Files.readString(clone.resolve("config/config.env"));
    for (String[] kv :
        new String[][] {
          {"SCHEDULER", "slurm"},
          {"EPOCHS", "3"},
          {"GPUS_PER_JOB", "0"},
          {"CPUS_PER_JOB", "1"},
          {"MEMORY_PER_JOB", "1G"},
          {"TIME_LIMIT", "10"},
          {"NUM_WORKERS", "1"}
        }) {
      baseConfig = baseConfig.replaceAll("(?m)^" + kv[0] + "=.*$", kv[0] + "=" + kv[1]);
    }
    // the first push sets the experiment up; the tests' pushes change its config
    Files.writeString(
        clone.resolve("config/config.env"), baseConfig.replaceAll("(?m)^EPOCHS=.*$", "EPOCHS=2"));
    Files.writeString(
        clone.resolve(".gitignore"),
        ".gitlab-ci-local/\ncairn-junit.xml\ncairn.env\n.cairn/\ncairn-report/\nmetrics.txt\n");
    Fixtures.git(clone, "add", "-A");
    Fixtures.git(
        clone,
        "-c",
        "user.name=Researcher",
        "-c",
        "user.email=r@example.org",
        "commit",
        "-qm",
        "Set up the experiment");
    Fixtures.git(clone, "push", "-q", "origin", "main");
    // gitlab-ci-local reads the project from origin's URL; pushes still go to the Git server
    Fixtures.git(
        clone, "remote", "set-url", "origin", "git@gitlab.example.org:geofm/experiments.git");
    Fixtures.git(clone, "remote", "set-url", "--push", "origin", remote);

    Path settings = tmp.resolve("agent.env");
    Files.writeString(
        settings,
        String.join(
            "\n",
            "CAIRN_STORE=" + s3.storeUrl("cairn"),
            "CAIRN_S3_ACCESS_KEY_ENV=" + S3ProxyServer.ACCESS_KEY_ENV,
            "CAIRN_S3_SECRET_KEY_ENV=" + S3ProxyServer.SECRET_KEY_ENV,
            "CAIRN_STATE_DIR=" + tmp.resolve("agent"),
            "CAIRN_REPO_REMOTE=" + remote,
            "CAIRN_POLL_MIN_SECONDS=1",
            "CAIRN_POLL_MAX_SECONDS=2",
            ""));
    agent =
        AgentProcess.start(
            tmp.resolve("agent.log"), s3.environment(), "run", "--settings", settings.toString());
  }

  @AfterAll
  static void stop() throws Exception {
    if (agent != null) {
      agent.close();
    }
    if (git != null) {
      git.close();
    }
    if (s3 != null) {
      s3.close();
    }
  }

  /** Commits a config (as one push), points origin/HEAD at the previous push, runs the pipeline. */
  private static GitlabCiLocal.Result push(String config, String message) throws Exception {
    // as a researcher does: get the agent's results commits first
    Fixtures.git(clone, "pull", "-q", "--rebase", remote, "main");
    String before = Fixtures.git(clone, "rev-parse", "HEAD").strip();
    Files.writeString(clone.resolve("config/config.env"), config);
    Fixtures.git(
        clone,
        "-c",
        "user.name=Researcher",
        "-c",
        "user.email=r@example.org",
        "commit",
        "-qam",
        message);
    Fixtures.git(clone, "push", "-q", "origin", "main");
    Fixtures.git(clone, "update-ref", "refs/remotes/origin/before", before);
    Fixtures.git(clone, "remote", "set-head", "origin", "before");
    return gitlab.run(clone, pipelineVariables(), 600);
  }

  private static Map<String, String> pipelineVariables() {
    Map<String, String> v = new HashMap<>(s3.environment());
    v.put("CAIRN_AGENT_JAR", AgentProcess.agentJar().toString());
    v.put("CAIRN_STORE", s3.storeUrl("cairn"));
    v.put("CAIRN_S3_ACCESS_KEY_ENV", S3ProxyServer.ACCESS_KEY_ENV);
    v.put("CAIRN_S3_SECRET_KEY_ENV", S3ProxyServer.SECRET_KEY_ENV);
    // ci await verifies the results commit there (GitLab's own CI_REPOSITORY_URL would be the
    // unreachable gitlab.example.org of the clone's origin)
    v.put("CAIRN_REPO_REMOTE", remote);
    return v;
  }

  @Test
  @Order(1)
  void pipeline_passesWhenTheRunSucceeds_andTheResultsCommitStartsNoPipeline() throws Exception {
    GitlabCiLocal.Result result = push(baseConfig, "Fine-tune for three epochs");
    assertEquals(0, result.exitCode(), result.log() + "\n" + agentLog());
    assertTrue(result.log().contains("PASS  cairn:await"), result.log());
    assertTrue(
        result.log().contains("3 of 3 task(s) completed and met their quality gates"),
        result.log());
    String dotenv = Files.readString(clone.resolve("cairn.env"));
    String results =
        dotenv
            .lines()
            .filter(l -> l.startsWith("CAIRN_RESULTS_COMMIT="))
            .findFirst()
            .orElseThrow()
            .substring("CAIRN_RESULTS_COMMIT=".length());
    String head = Fixtures.git(clone, "ls-remote", remote, "refs/heads/main").split("\\s+")[0];
    assertEquals(results, head, "the results commit is the remote branch's head");
    List<String> pushes = Files.readAllLines(tmp.resolve("pushes.log"));
    assertEquals(
        "push options: 1 ci.skip",
        pushes.get(pushes.size() - 1),
        "the agent's push carried ci.skip: " + pushes);
    assertEquals(
        "push options: 0 ",
        pushes.get(pushes.size() - 2),
        "the researcher's push started the pipeline: " + pushes);
    String junit = Files.readString(clone.resolve("cairn-junit.xml"));
    assertTrue(junit.contains("tests=\"3\" failures=\"0\""), junit);
    // the run's report and the metrics report are kept as the await job's artifacts
    assertTrue(result.log().contains("== Leaderboard"), result.log());
    Path artifacts = awaitArtifacts();
    for (String file :
        List.of(
            "cairn-report/report.html",
            "cairn-report/report.md",
            "cairn-report/charts/cost.png",
            "cairn-report/charts/curves-crop_classification.png",
            "metrics.txt")) {
      assertTrue(Files.isRegularFile(artifacts.resolve(file)), file + " in " + artifacts);
    }
    String html = Files.readString(artifacts.resolve("cairn-report/report.html"));
    assertTrue(
        html.contains("src=\"data:image/png;base64,"),
        "the report read from the results commit has its charts");
    String metrics = Files.readString(artifacts.resolve("metrics.txt"));
    assertTrue(
        metrics.contains("test_miou{task=\"crop_classification\",trial=\"crop_classification\"} "),
        metrics);
  }

  /** The folder where gitlab-ci-local keeps the artifacts of the cairn:await job. */
  private static Path awaitArtifacts() throws IOException {
    try (var dirs = Files.list(clone.resolve(".gitlab-ci-local/artifacts"))) {
      return dirs.filter(d -> d.getFileName().toString().contains("await"))
          .findFirst()
          .orElseThrow();
    }
  }

  @Test
  @Order(2)
  void pipeline_failsWhenAQualityGateIsMissed_namingTheMetric() throws Exception {
    String config =
        baseConfig.replaceAll("(?m)^CROP_QUALITY_GATE=.*$", "CROP_QUALITY_GATE=test/mIoU>=0.999");
    GitlabCiLocal.Result result = push(config, "Demand a near-perfect mIoU");
    assertNotEquals(0, result.exitCode(), result.log());
    assertTrue(result.log().contains("FAIL  cairn:await"), result.log());
    assertTrue(
        result
            .log()
            .contains("crop_classification missed its quality gate test/mIoU>=0.999 (test/mIoU = "),
        result.log());
    String junit = Files.readString(clone.resolve("cairn-junit.xml"));
    assertTrue(
        junit.contains(
            "<failure type=\"QualityGate\" message=\"quality gate test/mIoU&gt;=0.999 missed: test/mIoU = "),
        junit);
    assertTrue(junit.contains("tests=\"3\" failures=\"1\""), junit);
    assertTrue(
        result.log().contains("== Compared with "),
        "the failed run is compared with the first: " + result.log());
  }

  @Test
  @Order(3)
  void pipeline_failsOnAnUnknownKeyWithTheValidationMessage() throws Exception {
    GitlabCiLocal.Result result = push(baseConfig + "EPOCS=3\n", "Typo in a key");
    assertNotEquals(0, result.exitCode(), result.log());
    assertTrue(result.log().contains("FAIL  cairn:submit"), result.log());
    assertTrue(
        result.log().contains("EPOCS is not a key of config.env; did you mean EPOCHS?"),
        result.log());
  }

  @Test
  @Order(4)
  void request_forACommitNotOnTheBranch_isRejected() throws Exception {
    Fixtures.git(clone, "pull", "-q", "--rebase", remote, "main");
    Files.writeString(
        clone.resolve("config/config.env"), baseConfig.replaceAll("(?m)^EPOCHS=.*$", "EPOCHS=4"));
    Fixtures.git(
        clone,
        "-c",
        "user.name=Mallory",
        "-c",
        "user.email=m@example.org",
        "commit",
        "-qam",
        "Never pushed");
    String sha = Fixtures.git(clone, "rev-parse", "HEAD").strip();
    Map<String, String> env = pipelineVariables();
    Path log = tmp.resolve("unpushed.log");
    try (AgentProcess submit =
        AgentProcess.start(
            log,
            env,
            "ci",
            "submit",
            "--commit",
            sha,
            "--branch",
            "main",
            "--config",
            clone.resolve("config/config.env").toString(),
            "--templates",
            clone.resolve("templates").toString())) {
      assertEquals(0, submit.waitFor(Duration.ofSeconds(60)), Files.readString(log));
    }
    Path awaitLog = tmp.resolve("unpushed-await.log");
    try (AgentProcess await =
        AgentProcess.start(
            awaitLog,
            env,
            "ci",
            "await",
            "--commit",
            sha,
            "--timeout",
            "120s",
            "--junit",
            tmp.resolve("unpushed.xml").toString(),
            "--dotenv",
            tmp.resolve("unpushed.env").toString(),
            "--git-dir",
            tmp.resolve("unpushed-await.git").toString())) {
      assertEquals(1, await.waitFor(Duration.ofSeconds(180)), Files.readString(awaitLog));
    }
    String text = Files.readString(awaitLog);
    assertTrue(text.contains("REJECTED") && text.contains("is not on branch main"), text);
    Fixtures.git(clone, "reset", "-q", "--hard", "HEAD~1");
  }

  private static String agentLog() throws IOException {
    return "---- agent log ----\n" + Files.readString(tmp.resolve("agent.log"));
  }
}
