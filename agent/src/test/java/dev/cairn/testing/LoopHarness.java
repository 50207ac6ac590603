package dev.cairn.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.Json;
import dev.cairn.agent.Agent;
import dev.cairn.agent.AgentParts;
import dev.cairn.config.AgentSettings;
import dev.cairn.config.ExperimentConfig;
import dev.cairn.model.RunRequest;
import dev.cairn.model.StoreKeys;
import dev.cairn.render.ScriptRenderer;
import dev.cairn.render.Site;
import dev.cairn.render.TemplateSet;
import dev.cairn.scheduler.CommandRunner;
import dev.cairn.scheduler.ExecCommandRunner;
import dev.cairn.scheduler.Schedulers;
import dev.cairn.store.FileObjectStore;
import dev.cairn.trigger.RequestQueue;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * An agent in-process over a folder store, with the project's templates and the demo trainer, and
 * the real schedulers its configs name: what the loop's integration tests drive tick by tick.
 */
public final class LoopHarness implements AutoCloseable {
  public final FileObjectStore store;
  public final Agent agent;
  private final Schedulers schedulers;

  /**
   * @param settings agent settings beside the store and state folder under {@code tmp}
   */
  public LoopHarness(Path tmp, Map<String, String> settings) throws Exception {
    this(tmp, settings, new ExecCommandRunner());
  }

  /**
   * @param runner what runs the schedulers' commands (a decorator that counts or adds variables)
   */
  public LoopHarness(Path tmp, Map<String, String> settings, CommandRunner runner)
      throws Exception {
    this(tmp, settings, runner, Fixtures.templates());
  }

  /**
   * @param templates what the agent renders with (the project's, or a test's copy of them)
   */
  public LoopHarness(
      Path tmp, Map<String, String> settings, CommandRunner runner, TemplateSet templates)
      throws Exception {
    store = new FileObjectStore(tmp.resolve("store"));
    Map<String, String> all = new HashMap<>(settings);
    all.put("CAIRN_STORE", store.describe());
    all.put("CAIRN_STATE_DIR", tmp.resolve("state").toString());
    AgentSettings loaded = AgentSettings.load(null, all);
    schedulers = new Schedulers(loaded, Clock.systemUTC(), runner);
    String trainer = System.getProperty("cairn.trainerJar");
    ScriptRenderer renderer = new ScriptRenderer(templates, new Site("", trainer, "", "test"));
    agent = new Agent(AgentParts.of(loaded, store, schedulers, renderer, Clock.systemUTC()));
  }

  /** Queues the config as CI would, for a commit of its own; returns the commit. */
  public String submit(String config) throws Exception {
    byte[] bytes = config.getBytes(StandardCharsets.UTF_8);
    String commit =
        ExperimentConfig.sha256((config + System.nanoTime()).getBytes(StandardCharsets.UTF_8))
            .substring(0, 40);
    RequestQueue.submit(
        store,
        new RunRequest(
            commit,
            "main",
            "1",
            "A",
            "slurm",
            Instant.now().toString(),
            ExperimentConfig.sha256(bytes),
            1,
            null),
        bytes);
    return commit;
  }

  /** The run's {@code status.json}. */
  public JsonNode status(String commit) throws Exception {
    return Json.MAPPER.readTree(store.get(StoreKeys.statusKey(commit)).orElseThrow().content());
  }

  /** Ticks once a second until no run is active; the jobs are real, so this waits, bounded. */
  public void runUntilIdle(Duration limit) throws Exception {
    long deadline = System.nanoTime() + limit.toNanos();
    while (agent.tick()) {
      assertTrue(System.nanoTime() < deadline, "runs still active after " + limit);
      Thread.sleep(1000);
    }
  }

  @Override
  public void close() {
    schedulers.close();
  }
}
