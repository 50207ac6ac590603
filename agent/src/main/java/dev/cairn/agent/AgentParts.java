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
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What the agent is built from. The optional parts do nothing where the agent has no Git
 * repository: {@code check} is {@link RequestCheck#ACCEPT_ALL}, {@code publisher} is {@link
 * RunPublisher#NONE} (runs end without a results commit), {@code seeds} is empty (the seed-style
 * key is ignored) and {@code commitRenderers} is empty (every run renders with the agent's own
 * templates). {@code observer} is told of every saved change ({@link RunObserver#NONE} by default).
 * {@code metrics} hears what the loop does and {@code faults} marks its steps for the crash tests
 * ({@link Metrics#NONE} and {@link Faults#NONE} by default).
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
    RunObserver observer,
    Metrics metrics,
    Faults faults) {

  /** A part a caller left null is the part that does nothing. */
  public AgentParts {
    check = check == null ? RequestCheck.ACCEPT_ALL : check;
    publisher = publisher == null ? RunPublisher.NONE : publisher;
    seeds = seeds == null ? Optional.empty() : seeds;
    commitRenderers = commitRenderers == null ? Optional.empty() : commitRenderers;
    observer = observer == null ? RunObserver.NONE : observer;
    metrics = metrics == null ? Metrics.NONE : metrics;
    faults = faults == null ? Faults.NONE : faults;
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
        RunObserver.NONE,
        Metrics.NONE,
        Faults.NONE);
  }

  /** The parts that need Git; a null one is the part that does nothing. */
  public AgentParts withGit(
      @Nullable RequestCheck check,
      @Nullable RunPublisher publisher,
      @Nullable SeedResolver seeds) {
    return with(
        check == null ? RequestCheck.ACCEPT_ALL : check,
        publisher == null ? RunPublisher.NONE : publisher,
        Optional.ofNullable(seeds),
        commitRenderers,
        observer);
  }

  /** Renders each run with the templates of its own commit ({@code CAIRN_TEMPLATES=commit}). */
  public AgentParts withCommitRenderers(@Nullable CommitRenderers renderers) {
    return with(check, publisher, seeds, Optional.ofNullable(renderers), observer);
  }

  /** Tells {@code observer} of every change the loop saves (GitLab statuses and notes). */
  public AgentParts withObserver(RunObserver observer) {
    return with(check, publisher, seeds, commitRenderers, observer);
  }

  /** What the loop reports to and the crash tests' step marks. */
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
      RequestCheck check,
      RunPublisher publisher,
      Optional<SeedResolver> seeds,
      Optional<CommitRenderers> renderers,
      RunObserver observer) {
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
