package dev.cairn.testing;

import dev.cairn.agent.Agent;
import dev.cairn.agent.AgentParts;
import dev.cairn.config.AgentSettings;
import dev.cairn.config.ExperimentConfig;
import dev.cairn.model.RunRequest;
import dev.cairn.render.ScriptRenderer;
import dev.cairn.render.Site;
import dev.cairn.render.TemplateSet;
import dev.cairn.scheduler.Schedulers;
import dev.cairn.store.FileObjectStore;
import dev.cairn.store.ObjectStore;
import dev.cairn.trigger.RequestQueue;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/** The agent of the loop's unit tests: settings, an agent over a folder store, queued requests. */
public final class TestAgents {
  private TestAgents() {}

  /** Settings with the store and a state folder under {@code tmp}, and {@code extra} on top. */
  public static AgentSettings settings(Path tmp, FileObjectStore store, Map<String, String> extra) {
    Map<String, String> all = new HashMap<>(extra);
    all.put("CAIRN_STORE", store.describe());
    all.put("CAIRN_STATE_DIR", tmp.resolve("state").toString());
    return AgentSettings.load(null, all);
  }

  /** An agent rendering with {@code templates}; its demo trainer jar is a name only. */
  public static Agent agent(
      AgentSettings settings, ObjectStore store, Schedulers schedulers, TemplateSet templates)
      throws Exception {
    return new Agent(
        AgentParts.of(
            settings,
            store,
            schedulers,
            new ScriptRenderer(templates, new Site("", "/t.jar", "", "test")),
            Clock.systemUTC()));
  }

  /** The templates of the fast loop tests ({@code agent/src/test/resources/loop-templates}). */
  public static TemplateSet loopTemplates() {
    return TemplateSet.fromDirectory(
        Fixtures.projectDir().resolve("agent/src/test/resources/loop-templates"));
  }

  /** Queues {@code config} as CI would for attempt 1 of {@code commit}, now. */
  public static RunRequest queue(ObjectStore store, String commit, String config) throws Exception {
    return queue(store, commit, config, 1, Instant.now());
  }

  /** Queues {@code config} as CI would for one attempt of {@code commit}, at {@code at}. */
  public static RunRequest queue(
      ObjectStore store, String commit, String config, int attempt, Instant at) throws Exception {
    byte[] bytes = config.getBytes(StandardCharsets.UTF_8);
    RunRequest request =
        new RunRequest(
            commit,
            "main",
            "1",
            "A",
            "msg",
            at.toString(),
            ExperimentConfig.sha256(bytes),
            attempt,
            null);
    RequestQueue.submit(store, request, bytes);
    return request;
  }
}
