package dev.cairn.agent;

import dev.cairn.config.AgentSettings;
import dev.cairn.publish.RunPublisher;
import dev.cairn.render.ScriptRenderer;
import dev.cairn.scheduler.Schedulers;
import dev.cairn.store.ObjectStore;
import dev.cairn.trigger.RequestCheck;
import dev.cairn.trigger.SeedResolver;
import java.time.Clock;

/**
 * What the agent is built from. The optional parts are null where the agent has no Git repository:
 * {@code check} (provenance; null accepts every request), {@code publisher} (null ends runs without
 * a results commit) and {@code seeds} (null ignores the seed-style key).
 */
public record AgentParts(
    AgentSettings settings,
    ObjectStore store,
    Schedulers schedulers,
    ScriptRenderer renderer,
    RunRepository repository,
    Clock clock,
    RequestCheck check,
    RunPublisher publisher,
    SeedResolver seeds) {

  /** The parts of an agent without a Git repository. */
  public static AgentParts of(
      AgentSettings settings,
      ObjectStore store,
      Schedulers schedulers,
      ScriptRenderer renderer,
      RunRepository repository,
      Clock clock) {
    return new AgentParts(
        settings, store, schedulers, renderer, repository, clock, null, null, null);
  }

  public AgentParts withGit(RequestCheck check, RunPublisher publisher, SeedResolver seeds) {
    return new AgentParts(
        settings, store, schedulers, renderer, repository, clock, check, publisher, seeds);
  }
}
