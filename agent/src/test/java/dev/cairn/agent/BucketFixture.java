package dev.cairn.agent;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.Json;
import dev.cairn.config.AgentSettings;
import dev.cairn.config.ExperimentConfig;
import dev.cairn.dvc.DvcConfig;
import dev.cairn.git.GitAuth;
import dev.cairn.git.GitClone;
import dev.cairn.git.GitPublisher;
import dev.cairn.git.GitTestRepos;
import dev.cairn.model.RunRequest;
import dev.cairn.model.StoreKeys;
import dev.cairn.publish.ResultsPublisher;
import dev.cairn.render.ScriptRenderer;
import dev.cairn.render.Site;
import dev.cairn.render.TemplateSet;
import dev.cairn.scheduler.ExecCommandRunner;
import dev.cairn.scheduler.Schedulers;
import dev.cairn.store.FileObjectStore;
import dev.cairn.store.ObjectStore;
import dev.cairn.testing.Fixtures;
import dev.cairn.testing.LocalJobs;
import dev.cairn.trigger.ProvenanceCheck;
import dev.cairn.trigger.RepoMirror;
import dev.cairn.trigger.RequestQueue;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * An agent with provenance and publishing on, a folder store, a bare remote holding one commit of
 * {@link #CONFIG} on {@code main} and local jobs: the stage for replaying what a bucket writer can
 * do. Closed at the end of each test.
 */
final class BucketFixture implements AutoCloseable {
  static final String CONFIG =
      "EXPERIMENT_NAME=attack\nTRAINER=demo\nSCHEDULER=local\nTASKS=crop_classification\n"
          + "EPOCHS=3\nTIME_LIMIT=5\n";
  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);

  final Path tmp;
  final FileObjectStore store;
  final Path remote;
  final String commit;
  final Map<String, String> env = new HashMap<>();
  private AgentSettings settings;
  private Schedulers schedulers;
  private GitClone clone;

  /** What the agent's store is: the folder store, or a wrapper around it. */
  UnaryOperator<ObjectStore> storeWrapper = s -> s;

  BucketFixture(Path tmp) throws Exception {
    this.tmp = tmp;
    this.store = new FileObjectStore(tmp.resolve("store"));
    env.put("CAIRN_STORE", store.describe());
    env.put("CAIRN_STATE_DIR", tmp.resolve("state").toString());
    env.put("CAIRN_WORK_DIR", tmp.resolve("work").toString());
    remote = GitTestRepos.bareRemote(tmp.resolve("remote.git"), "main", Map.of("README", "x\n"));
    commit = push(CONFIG, "Three epochs of crop classification");
  }

  /** Pushes a commit of {@code config} to main; its sha. */
  String push(String config, String subject) throws Exception {
    return GitTestRepos.commitAndPush(
            remote.toUri().toString(),
            "main",
            Map.of("config/config.env", config),
            subject,
            tmp.resolve("dev"))
        .name();
  }

  AgentSettings settings() {
    return settings;
  }

  Agent newAgent() throws Exception {
    if (schedulers != null) {
      schedulers.close();
    }
    settings = AgentSettings.load(null, env);
    if (clone == null) {
      clone = GitClone.open(tmp.resolve("clone"), remote.toUri().toString(), GitAuth.none());
    }
    schedulers = new Schedulers(settings, Clock.systemUTC(), new ExecCommandRunner());
    TemplateSet templates =
        TemplateSet.fromDirectory(
            Fixtures.projectDir().resolve("agent/src/test/resources/loop-templates"));
    ScriptRenderer renderer = new ScriptRenderer(templates, new Site("", "unused.jar", "", "test"));
    ObjectStore agentStore = storeWrapper.apply(store);
    ResultsPublisher publisher =
        new ResultsPublisher(
            agentStore,
            new DvcConfig.Remote("cairn", DvcConfig.fileUrl(store.root(), "dvc"), null),
            new GitPublisher(clone, "Cairn agent", "agent@example.org"),
            "main",
            "test",
            Map.of(),
            null);
    return new Agent(
        AgentParts.of(settings, agentStore, schedulers, renderer, Clock.systemUTC())
            .withGit(new ProvenanceCheck(new RepoMirror(clone), List.of("main")), publisher, null));
  }

  static RunRequest request(String commit, int attempt, String submittedAt) {
    return new RunRequest(
        commit,
        "main",
        "77",
        "A",
        "m",
        submittedAt,
        ExperimentConfig.sha256(CONFIG.getBytes(UTF_8)),
        attempt,
        null);
  }

  static RunRequest request(String commit, int attempt) {
    return request(commit, attempt, Instant.now().toString());
  }

  void submit(RunRequest request, String config) throws Exception {
    RequestQueue.submit(store, request, config.getBytes(UTF_8));
  }

  /** A queue key of now for {@code commit}, whatever the entry under it says. */
  static String queueKeyNow(String commit, int attempt) {
    return "queue/" + STAMP.format(Instant.now()) + "-" + commit + "-a" + attempt;
  }

  static void runUntilIdle(Agent agent) {
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> !agent.tick());
  }

  JsonNode status(String sha) throws Exception {
    return Json.MAPPER.readTree(store.get(StoreKeys.statusKey(sha)).orElseThrow().content());
  }

  @Override
  public void close() throws Exception {
    if (schedulers != null) {
      schedulers.close();
    }
    LocalJobs.awaitEnded(tmp, Duration.ofSeconds(15));
    if (clone != null) {
      clone.close();
    }
  }
}
