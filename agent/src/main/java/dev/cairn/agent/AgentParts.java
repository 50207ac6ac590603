package dev.cairn.agent;

import dev.cairn.config.AgentSettings;
import dev.cairn.publish.RunPublisher;
import dev.cairn.render.CommitRenderers;
import dev.cairn.render.ScriptRenderer;
import dev.cairn.scheduler.Schedulers;
import dev.cairn.store.ObjectStore;
import dev.cairn.trigger.RequestCheck;
import dev.cairn.trigger.SeedResolver;
import java.io.IOException;
import java.time.Clock;
import java.util.Optional;

/**
 * What the agent is built from. The optional parts do nothing where the agent has no Git
 * repository: {@code check} is {@link RequestCheck#ACCEPT_ALL}, {@code publisher} is {@link
 * RunPublisher#NONE} (runs end without a results commit), {@code seeds} is empty (the seed-style
 * key is ignored) and {@code commitRenderers} is empty (every run renders with the agent's own
 * templates). {@code observer} is told of every saved change ({@link RunObserver#NONE} by default).
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
    Optional<SeedResolver> seeds,
    Optional<CommitRenderers> commitRenderers,
    RunObserver observer) {

  /** A part a caller left null is the part that does nothing. */
  public AgentParts {
    check = check == null ? RequestCheck.ACCEPT_ALL : check;
    publisher = publisher == null ? RunPublisher.NONE : publisher;
    seeds = seeds == null ? Optional.empty() : seeds;
    commitRenderers = commitRenderers == null ? Optional.empty() : commitRenderers;
    observer = observer == null ? RunObserver.NONE : observer;
  }

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
        RequestCheck.ACCEPT_ALL,
        RunPublisher.NONE,
        Optional.empty(),
        Optional.empty(),
        RunObserver.NONE);
  }

  public AgentParts withGit(RequestCheck check, RunPublisher publisher, SeedResolver seeds) {
    return with(check, publisher, Optional.ofNullable(seeds), commitRenderers);
  }

  /** Renders each run with the templates of its own commit ({@code CAIRN_TEMPLATES=commit}). */
  public AgentParts withCommitRenderers(CommitRenderers renderers) {
    return with(check, publisher, seeds, Optional.ofNullable(renderers));
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
        observer);
  }

  private AgentParts with(
      RequestCheck check,
      RunPublisher publisher,
      Optional<SeedResolver> seeds,
      Optional<CommitRenderers> renderers) {
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
        observer);
  }
}
