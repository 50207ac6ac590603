package dev.cairn.agent;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.config.AgentSettings;
import dev.cairn.model.RunRecord;
import dev.cairn.model.RunState;
import dev.cairn.render.ScriptRenderer;
import dev.cairn.render.Site;
import dev.cairn.scheduler.ExecCommandRunner;
import dev.cairn.scheduler.Schedulers;
import dev.cairn.store.FileObjectStore;
import dev.cairn.testing.LocalJobs;
import dev.cairn.testing.TestAgents;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The loop's one hook for reporting elsewhere: told of every change it saves, in order, and of
 * every run on record when an agent starts (what GitLab's outbox relies on after a crash).
 */
class RunObserverTest {
  @TempDir java.nio.file.Path tmp;

  /** What an observer saw: each change as "STATE", each run at start as "start STATE". */
  static final class Seen implements RunObserver {
    final List<String> events = new ArrayList<>();

    @Override
    public synchronized void changed(RunRecord run) {
      if (events.isEmpty() || !events.get(events.size() - 1).equals(run.state().name())) {
        events.add(run.state().name());
      }
    }

    @Override
    public synchronized void recovered(RunRecord run) {
      events.add("start " + run.state().name());
    }
  }

  Agent agent(AgentSettings settings, FileObjectStore store, Schedulers s, RunObserver o)
      throws Exception {
    return new Agent(
        AgentParts.of(
                settings,
                store,
                s,
                new ScriptRenderer(TestAgents.loopTemplates(), new Site("", "/t.jar", "", "test")),
                Clock.systemUTC())
            .withObserver(o));
  }

  @Test
  void observer_seesEveryStateInOrder_andEveryRunOnRecordAtStart() throws Exception {
    FileObjectStore store = new FileObjectStore(tmp.resolve("store"));
    AgentSettings settings = TestAgents.settings(tmp, store, Map.of());
    TestAgents.queue(store, "e".repeat(40), AgentLoopTest.GOOD);
    Seen seen = new Seen();
    try (Schedulers schedulers =
        new Schedulers(settings, Clock.systemUTC(), new ExecCommandRunner())) {
      Agent agent = agent(settings, store, schedulers, seen);
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(100))
          .until(() -> !agent.tick());
      List<String> states = List.copyOf(seen.events);
      assertEquals("RECEIVED", states.get(0), states.toString());
      assertEquals(RunState.SUCCEEDED.name(), states.get(states.size() - 1), states.toString());
      assertTrue(
          states.indexOf("SUBMITTED") < states.indexOf("PUBLISHING")
              && states.indexOf("COLLECTING") < states.indexOf("PUBLISHING"),
          states.toString());

      Seen afterRestart = new Seen();
      agent(settings, store, schedulers, afterRestart);
      assertEquals(List.of("start SUCCEEDED"), afterRestart.events);
    } finally {
      LocalJobs.awaitEnded(tmp, Duration.ofSeconds(15));
    }
  }

  @Test
  void none_isTheDefault_andTellsNobody() throws Exception {
    FileObjectStore store = new FileObjectStore(tmp.resolve("store"));
    AgentSettings settings = TestAgents.settings(tmp, store, Map.of());
    AgentParts parts = AgentParts.of(settings, store, null, null, Clock.systemUTC());
    assertEquals(RunObserver.NONE, parts.observer());
  }
}
