package dev.cairn.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.Json;
import dev.cairn.git.GitTestRepos;
import dev.cairn.model.StoreKeys;
import dev.cairn.store.ObjectStore;
import dev.cairn.store.ObjectStores;
import dev.cairn.testing.AgentProcess;
import dev.cairn.testing.Fixtures;
import dev.cairn.testing.S3ProxyServer;
import dev.cairn.testing.SlurmCluster;
import dev.cairn.testing.UsesSlurm;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two agent daemons on one machine, one bucket (S3Proxy) and one bare Git remote: cluster {@code
 * default} on the real SLURM, cluster {@code lsf} on the LSF emulator. A run of two backbones on
 * the three tasks routes the 600M backbone to lsf ({@code PRITHVI_EO_V2_600_CLUSTER=lsf}); each
 * agent runs its three trials, and the run ends with one results commit holding all six, whose
 * outputs a fresh clone pulls back byte for byte. The same with both agents killed as by kill -9 at
 * each crash point of their shares, and with one agent stopped past {@code CAIRN_CLUSTER_WAIT}.
 */
@UsesSlurm
class ClustersIT {
  private static final String CONFIG =
      "EXPERIMENT_NAME=two-clusters\nTRAINER=demo\nSCHEDULER=slurm\n"
          + "TASKS=crop_classification,landslide,biomass\n"
          + "GEOFM=prithvi_eo_v2_300,prithvi_eo_v2_600\nPRITHVI_EO_V2_600_CLUSTER=lsf\n"
          + "EPOCHS=1\nGPUS_PER_JOB=0\nCPUS_PER_JOB=1\nMEMORY_PER_JOB=500M\nTIME_LIMIT=10\n"
          + "NUM_WORKERS=1\nCROP_QUALITY_GATE=test/mIoU>=0\nLANDSLIDE_QUALITY_GATE=test/mIoU>=0\n"
          + "BIOMASS_QUALITY_GATE=test/RMSE<=100000\n";

  /**
   * The crash points an agent passes in its share up to its end (the last one a barrier: both walks
   * stop there, so that the agent walked after it is the one that merges and publishes), and after
   * it. All of one phase are armed at once: the agent halts at whichever it reaches first, which is
   * then disarmed, so the walk follows the order the agent takes whatever the timing of the jobs.
   */
  private static final List<String> BEFORE_THE_END =
      List.of(
          "claiming",
          "claim",
          "run-record",
          "plan",
          "render",
          "submit",
          "submitted",
          "status-write",
          "status-written",
          "job-status",
          "collect",
          "publishing",
          "share-upload",
          "share-end");

  private static final List<String> AFTER_THE_END =
      List.of(
          "share-ended",
          "merged",
          "dvc-upload",
          "results-commit",
          "push",
          "pushed",
          "published",
          "finished");

  private static final Pattern CRASHED_AT = Pattern.compile("test crash point ([a-z-]+):1");

  private static final String FAST_START = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC";
  private static S3ProxyServer s3;

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path tmp;

  @BeforeAll
  static void servers(@TempDir Path dir) throws Exception {
    SlurmCluster.ensure();
    s3 = S3ProxyServer.start(dir.resolve("s3"));
  }

  @AfterAll
  static void stop() throws Exception {
    if (s3 != null) {
      s3.close();
    }
  }

  @Test
  void slurmAndLsf_oneRun_oneResultsCommitWithAllSixTrials_andPullGivesEveryOutputBack()
      throws Exception {
    Clusters c = new Clusters(tmp, "whole");
    try (AgentProcess slurm = c.start("default", tmp.resolve("slurm.log"), Map.of(), false);
        AgentProcess lsf = c.start("lsf", tmp.resolve("lsf.log"), Map.of(), false)) {
      JsonNode status = c.awaitEnd(Duration.ofMinutes(6), slurm, lsf);
      assertEquals("SUCCEEDED", status.path("state").asText(), status.toString());
    }
    c.assertOneRunOfSixTrials();
    c.assertPullGivesEveryOutputBack();
  }

  /**
   * Both agents walk their shares at once, each halted as by kill -9 at every crash point up to its
   * share's end (so each scheduler's side of the share is walked); then the LSF agent ends its
   * share and stops, and the SLURM agent walks every crash point after the end, so it is the one
   * that merges and publishes. The steps after the end are the same code whichever cluster the
   * agent runs on.
   */
  @Test
  void bothAgents_killedAtEachCrashPointOfTheirShares_oneResultsCommit_everyJobStartedOnce()
      throws Exception {
    Clusters c = new Clusters(tmp, "kill");
    ExecutorService walkers = Executors.newFixedThreadPool(2);
    List<String> slurmHit;
    List<String> lsfHit;
    try {
      Future<List<String>> slurmWalk =
          walkers.submit(() -> c.walk("default", BEFORE_THE_END, "share-end"));
      Future<List<String>> lsfWalk =
          walkers.submit(() -> c.walk("lsf", BEFORE_THE_END, "share-end"));
      slurmHit = new ArrayList<>(done(slurmWalk));
      lsfHit = new ArrayList<>(done(lsfWalk));
    } finally {
      walkers.shutdownNow();
    }
    // a step the agent takes in any tick (a status write) may come only after its share's end
    List<String> lsfLeft = BEFORE_THE_END.stream().filter(s -> !lsfHit.contains(s)).toList();
    if (!lsfLeft.isEmpty()) {
      lsfHit.addAll(c.walk("lsf", lsfLeft, null));
    }
    assertEquals(new TreeSet<>(BEFORE_THE_END), new TreeSet<>(lsfHit), "lsf killed at: " + lsfHit);
    // the LSF agent's share ends (unless a step after its end was walked); it then stops, so the
    // SLURM agent is the one that publishes
    if (!c.shareEnded("lsf")) {
      Path lsfLog = tmp.resolve("lsf.log");
      try (AgentProcess lsf = c.start("lsf", lsfLog, Map.of(), false)) {
        c.awaitShareEnd("lsf", Duration.ofMinutes(4), lsf);
        lsf.terminate(Duration.ofSeconds(60));
        String out = Files.readString(lsfLog);
        assertTrue(out.contains("agent stopped; runs resume on the next start"), out);
      }
    }
    List<String> after = new ArrayList<>(AFTER_THE_END);
    BEFORE_THE_END.stream().filter(s -> !slurmHit.contains(s)).forEach(after::add);
    slurmHit.addAll(c.walk("default", after, null));
    List<String> all = new ArrayList<>(BEFORE_THE_END);
    all.addAll(AFTER_THE_END);
    assertEquals(new TreeSet<>(all), new TreeSet<>(slurmHit), "default killed at: " + slurmHit);
    Path last = tmp.resolve("default-last.log");
    try (AgentProcess agent = c.start("default", last, Map.of(), true)) {
      assertEquals(0, agent.waitFor(Duration.ofMinutes(3)), Files.readString(last));
    }
    // the LSF agent, back, finds the results commit the SLURM agent pushed
    Path back = tmp.resolve("lsf-back.log");
    try (AgentProcess agent = c.start("lsf", back, Map.of(), true)) {
      assertEquals(0, agent.waitFor(Duration.ofMinutes(3)), Files.readString(back));
    }
    JsonNode status = c.status().orElseThrow();
    assertEquals("SUCCEEDED", status.path("state").asText(), status.toString());
    c.assertOneRunOfSixTrials();
    c.assertEveryJobStartedOnce();
    c.assertPullGivesEveryOutputBack();
  }

  /** A walk's steps, or the walk's own failure as it was thrown. */
  private static List<String> done(Future<List<String>> walk) throws Exception {
    try {
      return walk.get(10, TimeUnit.MINUTES);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof Error error) {
        throw error;
      }
      throw (Exception) e.getCause();
    }
  }

  @Test
  void aClusterStoppedPastTheWait_isGivenUp_andTheRunPublishesWithItsTrialsFailed()
      throws Exception {
    Clusters c = new Clusters(tmp, "quiet");
    // lsf claims and plans its share, then goes quiet before submitting anything
    Path lsfLog = tmp.resolve("lsf-crash.log");
    try (AgentProcess lsf = c.start("lsf", lsfLog, Map.of("CAIRN_TEST_CRASH_AT", "submit"), true)) {
      assertEquals(137, lsf.waitFor(Duration.ofMinutes(2)), Files.readString(lsfLog));
    }
    Path log = tmp.resolve("slurm.log");
    try (AgentProcess slurm = c.start("default", log, Map.of("CAIRN_CLUSTER_WAIT", "10s"), true)) {
      assertEquals(0, slurm.waitFor(Duration.ofMinutes(4)), Files.readString(log));
    }
    JsonNode status = c.status().orElseThrow();
    assertEquals("FAILED", status.path("state").asText(), status.toString());
    assertEquals(6, status.path("jobs").size(), status.toString());
    for (JsonNode job : status.path("jobs")) {
      if (job.path("cluster").asText().equals("lsf")) {
        assertEquals("FAILED", job.path("state").asText(), job.toString());
        assertTrue(
            job.path("reason").asText().contains("cluster lsf not seen since"), job.toString());
        assertTrue(job.path("reason").asText().contains("CAIRN_CLUSTER_WAIT=10s"), job.toString());
      } else {
        assertEquals("COMPLETED", job.path("state").asText(), job.toString());
      }
    }
    assertEquals(1, c.resultsCommits().size());
    // the quiet agent, back, submits nothing and finds the same results
    Path back = tmp.resolve("lsf-back.log");
    try (AgentProcess lsf = c.start("lsf", back, Map.of(), true)) {
      assertEquals(0, lsf.waitFor(Duration.ofMinutes(2)), Files.readString(back));
    }
    assertEquals(1, c.resultsCommits().size());
    assertEquals("FAILED", c.status().orElseThrow().path("state").asText());
    assertEquals(0, c.outFiles("lsf"), "the given-up cluster ran nothing");
  }

  /** One run's world: its bucket prefix, the bare remote holding its commit, two agents' homes. */
  private static final class Clusters {
    final Path root;
    final String prefix;
    final Path origin;
    final String commit;

    Clusters(Path root, String prefix) throws Exception {
      this.root = Files.createDirectories(root);
      this.prefix = prefix;
      this.origin = root.resolve("origin.git");
      byte[] config = CONFIG.getBytes(StandardCharsets.UTF_8);
      RevCommit c =
          GitTestRepos.researcherRemote(
              origin,
              root.resolve("researcher"),
              config,
              "Prithvi v2 300M on SLURM, 600M on the LSF cluster");
      this.commit = c.getName();
      s3.queue(prefix, c, config);
    }

    Path state(String cluster) {
      return root.resolve("agent-" + cluster);
    }

    AgentProcess start(String cluster, Path log, Map<String, String> extra, boolean untilIdle)
        throws Exception {
      Path home = state(cluster);
      List<String> lines = new ArrayList<>();
      lines.add(s3.agentSettings(prefix).strip());
      lines.add("CAIRN_STATE_DIR=" + home);
      lines.add("CAIRN_REPO_REMOTE=" + origin.toUri());
      lines.add("CAIRN_POLL_MIN_SECONDS=1");
      lines.add("CAIRN_POLL_MAX_SECONDS=2");
      lines.add("CAIRN_CLUSTER=" + cluster);
      if (cluster.equals("lsf")) {
        lines.add("CAIRN_SCHEDULER=lsf");
        lines.add(
            "CAIRN_SCHEDULER_BIN_DIR="
                + Fixtures.projectDir().resolve("agent/src/test/lsf-emulator/bin"));
      } else {
        lines.add("CAIRN_SCHEDULER=slurm");
      }
      Files.createDirectories(home);
      Path settings = home.resolve("agent.env");
      Files.writeString(settings, String.join("\n", lines) + "\n");
      Map<String, String> env = new HashMap<>(s3.environment());
      env.putAll(extra);
      env.put("JAVA_TOOL_OPTIONS", FAST_START);
      env.put("LSF_EMULATOR_STATE", home.resolve("lsf-state").toString());
      List<String> args = new ArrayList<>(List.of("run", "--settings", settings.toString()));
      if (untilIdle) {
        args.add(1, "--until-idle");
      }
      return AgentProcess.start(log, env, args.toArray(String[]::new));
    }

    /**
     * Starts the agent of {@code cluster} again and again with every step of {@code armed} still to
     * be reached armed, each start halted as by kill -9 at the first it reaches, until it halts at
     * {@code until} (null: until it runs to its end); returns the steps, in order.
     */
    List<String> walk(String cluster, List<String> armed, String until) throws Exception {
      List<String> left = new ArrayList<>(new LinkedHashSet<>(armed));
      List<String> hit = new ArrayList<>();
      for (int n = 1; n <= armed.size() + 1; n++) {
        Path log = root.resolve(cluster + "-" + (hit.size() + 1) + ".log");
        int code;
        try (AgentProcess agent =
            start(cluster, log, Map.of("CAIRN_TEST_CRASH_AT", String.join(",", left)), true)) {
          code = agent.waitFor(Duration.ofMinutes(3));
        }
        String out = Files.readString(log);
        if (code == 0 && until == null) {
          return hit;
        }
        assertEquals(137, code, "left " + left + ": " + out);
        Matcher m = CRASHED_AT.matcher(out);
        assertTrue(m.find(), out);
        String step = m.group(1);
        hit.add(step);
        left.remove(step);
        Files.move(log, root.resolve(cluster + "-" + hit.size() + "-" + step + ".log"));
        if (step.equals(until) || (left.isEmpty() && until == null)) {
          return hit;
        }
      }
      throw new AssertionError("the walk did not end: " + hit + ", left " + left);
    }

    ObjectStore store() throws Exception {
      return ObjectStores.open(s3.storeUrl(prefix), s3.credentials());
    }

    Optional<JsonNode> status() throws Exception {
      try (ObjectStore store = store()) {
        var object = store.get(StoreKeys.statusKey(commit));
        return object.isEmpty()
            ? Optional.empty()
            : Optional.of(Json.MAPPER.readTree(object.get().content()));
      }
    }

    /** Waits, bounded, until status.json is terminal (or an agent died). */
    JsonNode awaitEnd(Duration limit, AgentProcess... agents) throws Exception {
      long deadline = System.nanoTime() + limit.toNanos();
      while (true) {
        Optional<JsonNode> s = status();
        if (s.isPresent()
            && List.of("SUCCEEDED", "FAILED", "REJECTED", "CANCELLED")
                .contains(s.get().path("state").asText())) {
          return s.get();
        }
        for (AgentProcess a : agents) {
          assertTrue(a.isAlive(), "an agent ended: " + s);
        }
        assertTrue(System.nanoTime() < deadline, "the run did not end: " + s);
        Thread.sleep(500);
      }
    }

    boolean shareEnded(String cluster) throws Exception {
      try (ObjectStore store = store()) {
        return store.exists(StoreKeys.shareEndKey(commit, 1, cluster));
      }
    }

    void awaitShareEnd(String cluster, Duration limit, AgentProcess agent) throws Exception {
      long deadline = System.nanoTime() + limit.toNanos();
      try (ObjectStore store = store()) {
        while (!store.exists(StoreKeys.shareEndKey(commit, 1, cluster))) {
          assertTrue(agent.isAlive(), "the agent of " + cluster + " ended");
          assertTrue(System.nanoTime() < deadline, "the share of " + cluster + " did not end");
          Thread.sleep(500);
        }
      }
    }

    List<RevCommit> resultsCommits() throws Exception {
      List<RevCommit> found = new ArrayList<>();
      try (Git git = Git.open(origin.toFile())) {
        for (RevCommit c : git.log().add(git.getRepository().resolve("main")).call()) {
          if (c.getFullMessage().startsWith("Results of ")) {
            found.add(c);
          }
        }
      }
      return found;
    }

    /** How many job out files the cluster's agent has: one per job that started. */
    long outFiles(String cluster) throws Exception {
      Path out = runDir(cluster).resolve("out");
      if (!Files.isDirectory(out)) {
        return 0;
      }
      try (Stream<Path> files = Files.list(out)) {
        return files.filter(p -> p.toString().endsWith(".out")).count();
      }
    }

    void assertOneRunOfSixTrials() throws Exception {
      JsonNode status = status().orElseThrow();
      List<RevCommit> results = resultsCommits();
      assertEquals(1, results.size(), "one results commit: " + results);
      assertEquals(results.get(0).getName(), status.path("results_commit").asText());
      assertEquals(6, status.path("jobs").size(), status.toString());
      Map<String, Integer> byCluster = new HashMap<>();
      for (JsonNode job : status.path("jobs")) {
        String model = job.path("values").path("GEOFM").asText();
        String cluster = job.path("cluster").asText();
        assertEquals(
            model.equals("prithvi_eo_v2_600") ? "lsf" : "default", cluster, job.toString());
        byCluster.merge(cluster, 1, Integer::sum);
      }
      assertEquals(Map.of("default", 3, "lsf", 3), byCluster);
      Path check = root.resolve("check");
      try (Git git =
          Git.cloneRepository()
              .setURI(origin.toUri().toString())
              .setDirectory(check.toFile())
              .call()) {
        Path results1 = resultsDir(check);
        JsonNode runJson = Json.MAPPER.readTree(Files.readAllBytes(results1.resolve("run.json")));
        assertEquals(6, runJson.path("jobs").size(), runJson.toString());
        try (Stream<Path> trials = Files.list(results1)) {
          assertEquals(
              6,
              trials.filter(p -> Files.isRegularFile(p.resolve("trial.json"))).count(),
              "a trial folder each");
        }
      }
    }

    /** Each trial's job started once: its out file holds one start banner. */
    void assertEveryJobStartedOnce() throws Exception {
      int trials = 0;
      for (String cluster : List.of("default", "lsf")) {
        Path out = runDir(cluster).resolve("out");
        try (Stream<Path> files = Files.list(out)) {
          for (Path f : files.filter(p -> p.toString().endsWith(".out")).toList()) {
            List<String> starts =
                Files.readAllLines(f).stream()
                    .filter(l -> l.startsWith("cairn: ") && l.contains(" attempt "))
                    .toList();
            assertEquals(1, starts.size(), f + ": " + starts);
            trials++;
          }
        }
      }
      assertEquals(6, trials);
    }

    Path runDir(String cluster) throws Exception {
      try (Stream<Path> dirs = Files.list(state(cluster).resolve("work/runs"))) {
        return dirs.filter(Files::isDirectory).findFirst().orElseThrow();
      }
    }

    static Path resultsDir(Path clone) throws Exception {
      try (Stream<Path> dirs = Files.list(clone.resolve("results"))) {
        return dirs.filter(Files::isDirectory).findFirst().orElseThrow();
      }
    }

    /**
     * A fresh clone's pull restores each cluster's outputs, byte for byte as its agent has them.
     */
    void assertPullGivesEveryOutputBack() throws Exception {
      Path repro = root.resolve("repro");
      try (Git git =
          Git.cloneRepository()
              .setURI(origin.toUri().toString())
              .setDirectory(repro.toFile())
              .call()) {
        // a clone of the branch: the results commit is its tip
      }
      Path log = root.resolve("pull.log");
      Map<String, String> env =
          Map.of(
              "AWS_ACCESS_KEY_ID",
              S3ProxyServer.ACCESS_KEY,
              "AWS_SECRET_ACCESS_KEY",
              S3ProxyServer.SECRET_KEY);
      try (AgentProcess pull = AgentProcess.start(log, env, "pull", "--repo", repro.toString())) {
        assertEquals(0, pull.waitFor(Duration.ofSeconds(90)), Files.readString(log));
      }
      Path restored = resultsDir(repro);
      int files = 0;
      for (String cluster : List.of("default", "lsf")) {
        Path run = runDir(cluster);
        for (String output : List.of("err", "out", "predictions")) {
          try (Stream<Path> walk = Files.walk(run.resolve(output))) {
            for (Path f : walk.filter(Files::isRegularFile).toList()) {
              Path other = restored.resolve(output).resolve(run.resolve(output).relativize(f));
              assertTrue(Files.exists(other), "not pulled: " + other);
              assertEquals(-1L, Files.mismatch(f, other), "differs: " + other);
              files++;
            }
          }
        }
      }
      assertTrue(files >= 12, "files compared: " + files);
    }
  }
}
