package dev.cairn.agent;

import dev.cairn.Faults;
import dev.cairn.config.AgentSettings;
import dev.cairn.metrics.Metrics;
import dev.cairn.publish.RunPublisher;
import dev.cairn.render.CommitRenderers;
import dev.cairn.render.ScriptRenderer;
import dev.cairn.scheduler.Schedulers;
import dev.cairn.store.ObjectStore;
import dev.cairn.trigger.RequestCheck;
import dev.cairn.trigger.SeedResolver;
import java.io.IOException;
import java.time.Clock;

/**
 * What the agent is built from. The optional parts are null where the agent has no Git repository:
 * {@code check} (provenance; null accepts every request), {@code publisher} (null ends runs without
 * a results commit), {@code seeds} (null ignores the seed-style key) and {@code commitRenderers}
 * (null renders every run with the agent's own templates). {@code observer} is told of every saved
 * change ({@link RunObserver#NONE} by default). {@code metrics} hears what the loop does and {@code
 * faults} marks its steps for the crash tests ({@link Metrics#NONE} and {@link Faults#NONE} by
 * default).
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
    SeedResolver seeds,
    CommitRenderers commitRenderers,
    RunObserver observer,
    Metrics metrics,
    Faults faults) {

  /** The parts of an agent whose run records live in the settings' state folder. */
  public static AgentParts of(
      AgentSettings settings,
      ObjectStore store,
      Schedulers schedulers,
      ScriptRenderer renderer,
      Clock clock)
      throws IOException {
    return new AgentParts(
        settings,
        store,
        schedulers,
        renderer,
        new RunRepository(settings.stateDir()),
        clock,
        null,
        null,
        null,
        null,
        RunObserver.NONE,
        Metrics.NONE,
        Faults.NONE);
  }

  public AgentParts withGit(RequestCheck check, RunPublisher publisher, SeedResolver seeds) {
    return with(check, publisher, seeds, commitRenderers);
  }

  /** Renders each run with the templates of its own commit ({@code CAIRN_TEMPLATES=commit}). */
  public AgentParts withCommitRenderers(CommitRenderers renderers) {
    return with(check, publisher, seeds, renderers);
  }

  /** Tells {@code observer} of every change the loop saves (GitLab statuses and notes). */
  public AgentParts withObserver(RunObserver observer) {
    return new AgentParts(
        settings,
        store,
        schedulers,
        renderer,
        repository,
        clock,
        check,
        publisher,
        seeds,
        commitRenderers,
        observer,
        metrics,
        faults);
  }

  /** Reports to {@code metrics} and marks the steps in {@code faults} (the crash tests' switch). */
  public AgentParts withInstruments(Metrics metrics, Faults faults) {
    return new AgentParts(
        settings,
        store,
        schedulers,
        renderer,
        repository,
        clock,
        check,
        publisher,
        seeds,
        commitRenderers,
        observer,
        metrics,
        faults);
  }

  private AgentParts with(
      RequestCheck check, RunPublisher publisher, SeedResolver seeds, CommitRenderers renderers) {
    return new AgentParts(
        settings,
        store,
        schedulers,
        renderer,
        repository,
        clock,
        check,
        publisher,
        seeds,
        renderers,
        observer,
        metrics,
        faults);
  }
}
