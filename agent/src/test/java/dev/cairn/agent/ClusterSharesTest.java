package dev.cairn.agent;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.Json;
import dev.cairn.config.AgentSettings;
import dev.cairn.dvc.DvcConfig;
import dev.cairn.git.GitAuth;
import dev.cairn.git.GitClone;
import dev.cairn.git.GitPublisher;
import dev.cairn.git.GitTestRepos;
import dev.cairn.metrics.Metrics;
import dev.cairn.model.JobState;
import dev.cairn.model.RunState;
import dev.cairn.model.StoreKeys;
import dev.cairn.publish.ResultsPublisher;
import dev.cairn.render.ScriptRenderer;
import dev.cairn.render.Site;
import dev.cairn.scheduler.FakeSchedulers;
import dev.cairn.scheduler.Schedulers;
import dev.cairn.store.FileObjectStore;
import dev.cairn.store.ForwardingObjectStore;
import dev.cairn.store.ObjectStore;
import dev.cairn.store.StoredObject;
import dev.cairn.testing.FakeScheduler;
import dev.cairn.testing.Fixtures;
import dev.cairn.testing.ManualClock;
import dev.cairn.testing.TestAgents;
import dev.cairn.trigger.ProvenanceCheck;
import dev.cairn.trigger.RepoMirror;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two agents of two clusters on one folder store and one bare remote, on in-memory schedulers and
 * the manual clock: each runs only its cluster's share, one publishes the run with every trial, the
 * other finds that commit; a cluster that stays quiet is given up after {@code CAIRN_CLUSTER_WAIT},
 * and its agent, back, cancels what it started and adopts the same results.
 */
class ClusterSharesTest {
  /** Two tasks on two backbones: the 600M trials go to cluster lsf, the others to default. */
  private static final String CONFIG =
      "EXPERIMENT_NAME=two-clusters\nTRAINER=demo\nSCHEDULER=slurm\n"
          + "TASKS=crop_classification,landslide\nGEOFM=prithvi_eo_v2_300,prithvi_eo_v2_600\n"
          + "GPUS_PER_JOB=0\nPRITHVI_EO_V2_600_CLUSTER=lsf\n"
          + "CROP_QUALITY_GATE=test/mIoU>=0.3\nLANDSLIDE_QUALITY_GATE=test/mIoU>=0.3\n";

  @TempDir Path tmp;
  private final ManualClock clock = new ManualClock(Instant.parse("2026-12-07T10:00:00Z"));
  private final List<AutoCloseable> closing = new ArrayList<>();
  private FileObjectStore store;
  private Path remote;
  private String commit;
  private final Map<String, FakeScheduler> fakes = new HashMap<>();

  @AfterEach
  void tearDown() throws Exception {
    for (AutoCloseable c : closing) {
      c.close();
    }
  }

  private void setUp() throws Exception {
    store = new FileObjectStore(tmp.resolve("store"));
    remote = GitTestRepos.bareRemote(tmp.resolve("remote.git"), "main", Map.of("README", "x\n"));
    commit =
        GitTestRepos.commitAndPush(
                remote.toUri().toString(),
                "main",
                Map.of("config/config.env", CONFIG),
                "Two backbones on two clusters",
                tmp.resolve("dev"))
            .name();
    TestAgents.queue(store, commit, CONFIG);
  }

  /** The agent of {@code cluster}, on its own fake scheduler, state, clone and work folder. */
  private Agent agent(String cluster, String scheduler, Map<String, String> extra)
      throws Exception {
    return agent(cluster, scheduler, extra, store);
  }

  /** The same, on {@code bucket}: the folder store or a wrapper of it. */
  private Agent agent(
      String cluster, String scheduler, Map<String, String> extra, ObjectStore bucket)
      throws Exception {
    FakeScheduler fake = fakes.computeIfAbsent(cluster, c -> new FakeScheduler(scheduler, 0));
    Path home = tmp.resolve(cluster);
    Map<String, String> env = new HashMap<>(extra);
    env.put("CAIRN_CLUSTER", cluster);
    env.put("CAIRN_SCHEDULER", scheduler);
    env.put("CAIRN_WORK_DIR", home.resolve("work").toString());
    AgentSettings settings = TestAgents.settings(home, store, env);
    Schedulers schedulers = FakeSchedulers.of(fake);
    GitClone clone =
        GitClone.open(home.resolve("clone"), remote.toUri().toString(), GitAuth.none());
    closing.add(clone);
    ResultsPublisher publisher =
        new ResultsPublisher(
            bucket,
            new DvcConfig.Remote("cairn", DvcConfig.fileUrl(store.root(), "dvc"), null),
            new GitPublisher(clone, "Cairn agent " + cluster, "agent@example.org"),
            "main",
            "test",
            Map.of(),
            null);
    ScriptRenderer renderer =
        new ScriptRenderer(Fixtures.templates(), new Site("", "/t.jar", "", "test"));
    return new Agent(
        AgentParts.of(settings, bucket, schedulers, renderer, clock)
            .withGit(new ProvenanceCheck(new RepoMirror(clone), List.of("main")), publisher, null)
            .withInstruments(Metrics.NONE, dev.cairn.Faults.NONE));
  }

  private static Run run(Agent agent) {
    return agent.runs().values().iterator().next();
  }

  /** Every job of the agent's share ran to its end, writing metrics as the trainer would. */
  private void complete(Agent agent, String cluster, double mIoU) throws Exception {
    Run run = run(agent);
    for (JobRun job : run.jobs()) {
      Path dir =
          Path.of(Objects.requireNonNull(run.runDir())).resolve("predictions").resolve(job.id());
      Files.createDirectories(dir);
      Files.writeString(dir.resolve("metrics.json"), "{\"test/mIoU\": " + mIoU + "}\n");
      Path err = Path.of(run.runDir()).resolve("err").resolve(job.id() + ".err");
      Files.createDirectories(err.getParent());
      Files.writeString(err, "trained on " + cluster + "\n");
      fakes.get(cluster).set(Objects.requireNonNull(job.schedulerId()), JobState.COMPLETED);
    }
  }

  private void tick(Agent... agents) throws Exception {
    clock.advance(Duration.ofSeconds(5));
    for (Agent a : agents) {
      a.tick();
    }
  }

  private JsonNode status() throws Exception {
    return Json.MAPPER.readTree(store.get(StoreKeys.statusKey(commit)).orElseThrow().content());
  }

  private List<RevCommit> resultsCommits() throws Exception {
    List<RevCommit> found = new ArrayList<>();
    try (Git git = Git.open(remote.toFile())) {
      for (RevCommit c : git.log().call()) {
        if (c.getFullMessage().startsWith("Results of ")) {
          found.add(c);
        }
      }
    }
    return found;
  }

  /**
   * Another agent writes the run's terminal status.json just after this one read the object and
   * found it going: this agent's write of its going view fails its compare-and-swap, it reads
   * again, and leaves the terminal one in place.
   */
  @Test
  void aTerminalStatusWrittenBetweenTheReadAndTheWrite_isNotReplacedByAGoingView()
      throws Exception {
    setUp();
    String key = StoreKeys.statusKey(commit);
    boolean[] armed = {false};
    int[] raced = {0};
    ObjectStore racing =
        new ForwardingObjectStore(store) {
          @Override
          public Optional<StoredObject> get(String k, long maxBytes) throws IOException {
            Optional<StoredObject> read = delegate.get(k, maxBytes);
            if (armed[0] && k.equals(key) && read.isPresent()) {
              armed[0] = false;
              raced[0]++;
              ObjectNode ended = (ObjectNode) Json.MAPPER.readTree(read.get().content());
              ended.put("state", RunState.SUCCEEDED.name());
              delegate.put(k, Json.MAPPER.writeValueAsBytes(ended));
            }
            return read;
          }
        };
    Agent b = agent("lsf", "lsf", Map.of(), racing);
    tick(b);
    assertFalse(RunState.valueOf(status().path("state").asText()).isTerminal());
    armed[0] = true;
    for (int i = 0; i < 3 && raced[0] == 0; i++) {
      // a new state of the share to report: its jobs start
      fakes
          .get("lsf")
          .submissions()
          .keySet()
          .forEach(id -> fakes.get("lsf").set(id, JobState.RUNNING));
      tick(b);
    }
    assertEquals(1, raced[0], "the share's status was written after a read of status.json");
    assertEquals("SUCCEEDED", status().path("state").asText(), status().toString());
  }

  @Test
  void twoClusters_eachRunsItsShare_andOneResultsCommitHoldsEveryTrial() throws Exception {
    setUp();
    Agent a = agent("default", "slurm", Map.of());
    Agent b = agent("lsf", "lsf", Map.of());
    tick(a, b);
    tick(a, b);
    Run onA = run(a);
    Run onB = run(b);
    assertEquals(onA.runId(), onB.runId(), "the clusters agree on one run id");
    assertEquals(2, onA.jobs().size());
    assertEquals(2, onB.jobs().size());
    assertTrue(onA.jobs().stream().allMatch(j -> "default".equals(j.cluster())));
    assertTrue(onB.jobs().stream().allMatch(j -> "lsf".equals(j.cluster())));
    assertTrue(
        onB.jobs().stream().allMatch(j -> j.values().get("GEOFM").equals("prithvi_eo_v2_600")));
    assertEquals(2, fakes.get("default").submissions().size());
    assertEquals(2, fakes.get("lsf").submissions().size());

    // status.json shows all four trials, each with its cluster, while the run goes on
    JsonNode going = status();
    assertFalse(RunState.valueOf(going.path("state").asText()).isTerminal(), going.toString());
    assertEquals(4, going.path("jobs").size(), going.toString());

    complete(a, "default", 0.6);
    for (int i = 0; i < 3; i++) {
      tick(a, b);
    }
    assertEquals(RunState.PUBLISHING, run(a).state());
    assertTrue(run(a).message().startsWith("waiting for cluster lsf"), run(a).message());
    assertTrue(resultsCommits().isEmpty());

    complete(b, "lsf", 0.7);
    for (int i = 0; i < 4; i++) {
      tick(b, a);
    }
    assertEquals(RunState.SUCCEEDED, run(a).state(), run(a).message());
    assertEquals(RunState.SUCCEEDED, run(b).state(), run(b).message());
    List<RevCommit> results = resultsCommits();
    assertEquals(1, results.size());
    assertEquals(results.get(0).name(), run(a).resultsCommit());
    assertEquals(results.get(0).name(), run(b).resultsCommit());
    JsonNode status = status();
    assertEquals("SUCCEEDED", status.path("state").asText());
    assertEquals(results.get(0).name(), status.path("results_commit").asText());
    assertEquals(4, status.path("jobs").size());

    // run.json lists the four trials with their clusters; err.dvc covers both clusters' files
    try (Git git =
        Git.cloneRepository()
            .setURI(remote.toUri().toString())
            .setDirectory(tmp.resolve("check").toFile())
            .call()) {
      Path results1 = tmp.resolve("check/results/" + run(a).runId());
      JsonNode runJson = Json.MAPPER.readTree(Files.readAllBytes(results1.resolve("run.json")));
      assertEquals(4, runJson.path("jobs").size());
      try (Stream<Path> scripts = Files.list(results1.resolve("scripts"))) {
        assertEquals(4, scripts.filter(p -> p.toString().endsWith(".sh")).count());
      }
      String errDvc = Files.readString(results1.resolve("err.dvc"));
      assertTrue(errDvc.contains("nfiles: 4"), errDvc);
    }
  }

  @Test
  void aQuietCluster_isGivenUpAfterTheWait_andTheRunPublishesWithItsTrialsFailed()
      throws Exception {
    setUp();
    Agent a = agent("default", "slurm", Map.of("CAIRN_CLUSTER_WAIT", "1h"));
    tick(a);
    tick(a);
    complete(a, "default", 0.6);
    tick(a);
    tick(a);
    assertEquals(RunState.PUBLISHING, run(a).state());
    assertTrue(run(a).message().contains("waiting for cluster lsf (last seen"), run(a).message());
    clock.advance(Duration.ofMinutes(61));
    tick(a);
    tick(a);
    Run ended = run(a);
    assertEquals(RunState.FAILED, ended.state(), ended.message());
    assertEquals(4, ended.jobs().size());
    assertTrue(
        ended.jobs().stream()
            .filter(j -> "lsf".equals(j.cluster()))
            .allMatch(
                j ->
                    j.state() == JobState.FAILED
                        && Objects.requireNonNull(j.reason())
                            .contains("cluster lsf not seen since")),
        ended.jobs().toString());
    assertEquals(1, resultsCommits().size());
    assertEquals("FAILED", status().path("state").asText());

    // the quiet agent comes back: it cancels what it started and finds the same results commit
    Agent b = agent("lsf", "lsf", Map.of());
    tick(b);
    tick(b);
    tick(b);
    tick(b);
    Run back = run(b);
    assertTrue(back.state().isTerminal(), back.state() + ": " + back.message());
    assertEquals(ended.resultsCommit(), back.resultsCommit());
    assertEquals(1, resultsCommits().size());
    assertEquals("FAILED", status().path("state").asText());
    assertNotNull(back.resultsCommit());
    String endJson =
        new String(
            store.get(StoreKeys.shareEndKey(commit, 1, "lsf")).orElseThrow().content(), UTF_8);
    assertTrue(endJson.contains("given_up"), endJson);
  }

  @Test
  void overallState_runningOnceAnyTrialRan_publishingOnlyOnceEveryShareIs() {
    assertEquals(
        RunState.RUNNING,
        ShareStatuses.overall(List.of(RunState.RUNNING, RunState.RECEIVED), false));
    assertEquals(
        RunState.RUNNING,
        ShareStatuses.overall(List.of(RunState.SUBMITTED), true),
        "a share that ended ran its trials");
    assertEquals(
        RunState.SUBMITTED,
        ShareStatuses.overall(List.of(RunState.SUBMITTED, RunState.RECEIVED), false));
    assertEquals(RunState.RECEIVED, ShareStatuses.overall(List.of(RunState.RECEIVED), false));
    assertEquals(
        RunState.COLLECTING,
        ShareStatuses.overall(List.of(RunState.PUBLISHING, RunState.COLLECTING), false));
    assertEquals(RunState.PUBLISHING, ShareStatuses.overall(List.of(), true));
  }
}
