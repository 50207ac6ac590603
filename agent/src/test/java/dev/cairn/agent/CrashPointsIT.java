package dev.cairn.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.Json;
import dev.cairn.config.ExperimentConfig;
import dev.cairn.git.GitTestRepos;
import dev.cairn.model.RunRequest;
import dev.cairn.model.StoreKeys;
import dev.cairn.store.FileObjectStore;
import dev.cairn.testing.AgentProcess;
import dev.cairn.trigger.RequestQueue;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Crash anywhere, lose nothing: the daemon ({@code java -jar agent.jar run}, folder store, local
 * scheduler, bare Git remote, one task of one epoch) is killed at each named step of a run ({@code
 * CAIRN_TEST_CRASH_AT}) and restarted; the run must end SUCCEEDED with its job started once, one
 * results commit, every DVC object intact and {@code pull} giving the outputs back.
 */
class CrashPointsIT {
  private static final String CONFIG =
      "EXPERIMENT_NAME=crash-points\nTRAINER=demo\nSCHEDULER=local\nTASKS=landslide\n"
          + "EPOCHS=1\nCPUS_PER_JOB=1\nNUM_WORKERS=1\nLANDSLIDE_QUALITY_GATE=test/mIoU>=0\n";
  private static final String TASK = "landslide";

  /**
   * kill -9: one run per chain, killed at each step in the order the run reaches them and restarted
   * after each. A step that a restart passes through again is killed twice in a row; the others
   * (marked once) saved their effect before the crash point, so a restart goes on past them. The
   * second chain holds the steps the first passes within the same tick as others.
   */
  private static final List<List<String>> KILL_CHAINS =
      List.of(
          List.of(
              "claiming",
              "claim",
              "run-record:once",
              "plan",
              "render",
              "submit",
              "local-launch",
              "local-launched:once",
              "job-status",
              "collect",
              "publishing:once",
              "dvc-upload",
              "results-commit:once",
              "push",
              "pushed:once",
              "published",
              "finished:once"),
          List.of("submitted:once", "status-write", "status-written"));

  /**
   * SIGTERM: the agent ends the step in progress, then stops; the next step it would have reached
   * in that tick is therefore done too. Each chain holds steps that a restart still reaches.
   */
  private static final List<List<String>> TERM_CHAINS =
      List.of(
          List.of("claim", "plan", "job-status", "collect"),
          List.of("run-record", "render", "dvc-upload"),
          List.of("status-write", "publishing"),
          List.of("claiming", "status-written", "results-commit"),
          List.of("submit", "push"),
          List.of("submitted", "pushed"),
          List.of("local-launch", "published"),
          List.of("local-launched", "finished"));

  /** Fewer JIT tiers: the agent starts about three times faster, which these tests do often. */
  private static final String FAST_START = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC";

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path tmp;

  static Stream<List<String>> killChains() {
    return KILL_CHAINS.stream();
  }

  static Stream<List<String>> termChains() {
    return TERM_CHAINS.stream();
  }

  private static String stepOf(String entry) {
    return entry.replace(":once", "");
  }

  @Test
  void chains_coverEveryNamedStepWithBothSignals() {
    java.util.Set<String> killed = new java.util.TreeSet<>();
    KILL_CHAINS.forEach(c -> c.forEach(e -> killed.add(stepOf(e))));
    java.util.Set<String> termed = new java.util.TreeSet<>();
    TERM_CHAINS.forEach(termed::addAll);
    assertEquals(killed, termed);
    assertTrue(killed.size() >= 15, killed.toString());
  }

  @ParameterizedTest
  @MethodSource("killChains")
  void kill9_atEachStep_theRunEndsOnceAndIntact(List<String> chain) throws Exception {
    Workspace ws = new Workspace(tmp);
    int n = 0;
    for (String entry : chain) {
      String step = stepOf(entry);
      for (int i = 0; i < (entry.endsWith(":once") ? 1 : 2); i++) {
        Path log = ws.root.resolve("agent-" + ++n + "-" + step + ".log");
        int code = ws.runAgent(log, Map.of("CAIRN_TEST_CRASH_AT", step));
        String out = Files.readString(log);
        assertEquals(137, code, step + " (" + (i + 1) + "): " + out);
        assertTrue(out.contains("test crash point " + step + ":1"), out);
      }
    }
    Path last = ws.root.resolve("agent-last.log");
    assertEquals(0, ws.runAgent(last, Map.of()), Files.readString(last));
    ws.assertRunIntact();
    ws.assertPullGivesTheOutputsBack();
  }

  @ParameterizedTest
  @MethodSource("termChains")
  void sigterm_atEachStep_stopsAfterTheStepAndTheRunCarriesOn(List<String> chain) throws Exception {
    Workspace ws = new Workspace(tmp);
    for (String step : chain) {
      Path log = ws.root.resolve("agent-term-" + step + ".log");
      Map<String, String> env =
          Map.of("CAIRN_TEST_CRASH_AT", step, "CAIRN_TEST_CRASH_SIGNAL", "TERM");
      try (AgentProcess agent = ws.startAgent(log, env)) {
        String marker = "test crash point " + step + ":1 (SIGTERM)";
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (!Files.readString(log).contains(marker)) {
          assertTrue(
              System.nanoTime() < deadline, "never reached " + step + ": " + Files.readString(log));
          assertTrue(agent.isAlive(), "ended before " + step + ": " + Files.readString(log));
          Thread.sleep(20);
        }
        long signalled = System.nanoTime();
        agent.waitFor(Duration.ofSeconds(60));
        long stopMillis = Duration.ofNanos(System.nanoTime() - signalled).toMillis();
        String out = Files.readString(log);
        // what the agent guarantees: it stops by itself once the step in progress ends, without
        // the grace (20 s) running out and the step being interrupted; how fast a loaded machine
        // gets there is a figure, printed here, not an assertion
        System.out.printf("crash point %s: stopped %d ms after SIGTERM%n", step, stopMillis);
        assertFalse(
            out.contains("interrupting it"), step + ": the step had to be interrupted: " + out);
        assertFalse(out.contains("ERROR"), out);
        assertTrue(out.contains("agent stopped; runs resume on the next start"), out);
      }
    }
    Path last = ws.root.resolve("agent-last.log");
    assertEquals(0, ws.runAgent(last, Map.of()), Files.readString(last));
    ws.assertRunIntact();
  }

  /** A bare remote holding the config commit, a folder store with its request, agent settings. */
  private static final class Workspace {
    final Path root;
    final Path origin;
    final Path store;
    final Path state;
    final Path settings;
    final String commit;

    Workspace(Path root) throws Exception {
      this.root = Files.createDirectories(root);
      this.origin = root.resolve("origin.git");
      this.store = root.resolve("store");
      this.state = root.resolve("state");
      this.settings = root.resolve("agent.env");
      byte[] config = CONFIG.getBytes(StandardCharsets.UTF_8);
      this.commit =
          GitTestRepos.researcherRemote(origin, root.resolve("researcher"), config, "One tiny run")
              .getName();
      try (FileObjectStore s = new FileObjectStore(store)) {
        RequestQueue.submit(
            s,
            new RunRequest(
                commit,
                "main",
                "1",
                "Researcher",
                "One tiny run",
                Instant.now().toString(),
                ExperimentConfig.sha256(config),
                1,
                null),
            config);
      }
      Files.writeString(
          settings,
          String.join(
              "\n",
              "CAIRN_STORE=" + store.toUri(),
              "CAIRN_STATE_DIR=" + state,
              "CAIRN_REPO_DIR=" + state.resolve("repo"),
              "CAIRN_REPO_REMOTE=" + origin.toUri(),
              "CAIRN_POLL_MIN_SECONDS=1",
              "CAIRN_POLL_MAX_SECONDS=1",
              ""));
    }

    AgentProcess startAgent(Path log, Map<String, String> env) throws Exception {
      Map<String, String> all = new java.util.HashMap<>(env);
      all.put("JAVA_TOOL_OPTIONS", FAST_START);
      return AgentProcess.start(log, all, "run", "--until-idle", "--settings", settings.toString());
    }

    int runAgent(Path log, Map<String, String> env) throws Exception {
      try (AgentProcess agent = startAgent(log, env)) {
        return agent.waitFor(Duration.ofSeconds(180));
      }
    }

    Path runDir() throws Exception {
      try (Stream<Path> dirs = Files.list(state.resolve("work/runs"))) {
        return dirs.findFirst().orElseThrow();
      }
    }

    void assertRunIntact() throws Exception {
      JsonNode status;
      try (FileObjectStore s = new FileObjectStore(store)) {
        status = Json.MAPPER.readTree(s.get(StoreKeys.statusKey(commit)).orElseThrow().content());
      }
      assertEquals("SUCCEEDED", status.get("state").asText(), status.toString());
      assertEquals(1, status.get("jobs").size(), status.toString());
      assertEquals(1, status.get("jobs").get(0).get("attempts").asInt(), status.toString());
      // started once: each start of the job appends its banner to the job's out file
      List<String> starts =
          Files.readAllLines(runDir().resolve("out/" + TASK + ".out")).stream()
              .filter(l -> l.startsWith("cairn: ") && l.contains(" attempt "))
              .toList();
      assertEquals(1, starts.size(), starts.toString());
      try (Stream<Path> jobs = Files.list(state.resolve("local-scheduler/jobs"))) {
        assertEquals(1, jobs.count(), "one job submitted");
      }
      String results = status.get("results_commit").asText();
      try (Git git = Git.open(origin.toFile())) {
        List<RevCommit> mine = new ArrayList<>();
        for (RevCommit c : git.log().add(git.getRepository().resolve("main")).call()) {
          if (c.getFullMessage().startsWith("Results of ")) {
            mine.add(c);
          }
        }
        assertEquals(1, mine.size(), "one results commit: " + mine);
        assertEquals(results, mine.get(0).getName());
      }
      // every object in the DVC remote holds what its name says
      int objects = 0;
      try (Stream<Path> files = Files.walk(store.resolve("dvc/files/md5"))) {
        for (Path f : files.filter(Files::isRegularFile).toList()) {
          String name = f.getParent().getFileName() + f.getFileName().toString();
          String md5 =
              HexFormat.of()
                  .formatHex(MessageDigest.getInstance("MD5").digest(Files.readAllBytes(f)));
          assertEquals(name.replace(".dir", ""), md5, f.toString());
          objects++;
        }
      }
      assertTrue(objects > 3, "objects in the DVC remote: " + objects);
    }

    void assertPullGivesTheOutputsBack() throws Exception {
      String results;
      try (FileObjectStore s = new FileObjectStore(store)) {
        results =
            Json.MAPPER
                .readTree(s.get(StoreKeys.statusKey(commit)).orElseThrow().content())
                .get("results_commit")
                .asText();
      }
      Path repro = root.resolve("repro");
      try (Git git =
          Git.cloneRepository()
              .setURI(origin.toUri().toString())
              .setDirectory(repro.toFile())
              .call()) {
        git.checkout().setName(results).call();
      }
      Path log = root.resolve("pull.log");
      try (AgentProcess pull =
          AgentProcess.start(log, Map.of(), "pull", "--repo", repro.toString())) {
        assertEquals(0, pull.waitFor(Duration.ofSeconds(60)), Files.readString(log));
      }
      Path run = runDir();
      Path restored;
      try (Stream<Path> dirs = Files.list(repro.resolve("results"))) {
        restored = dirs.filter(Files::isDirectory).findFirst().orElseThrow();
      }
      for (String output : List.of("err", "out", "predictions")) {
        try (Stream<Path> walk = Files.walk(run.resolve(output))) {
          for (Path f : walk.filter(Files::isRegularFile).toList()) {
            Path other = restored.resolve(output).resolve(run.resolve(output).relativize(f));
            assertTrue(
                Arrays.equals(Files.readAllBytes(f), Files.readAllBytes(other)),
                "differs after pull: " + other);
          }
        }
      }
    }
  }
}
