package dev.cairn.scheduler;

import dev.cairn.config.SchedulerName;
import dev.cairn.config.SchedulerPlugin;
import java.util.List;
import java.util.Optional;

/**
 * The installed scheduler plug-ins ({@link SchedulerProvider}), in the order of their registry
 * {@code META-INF/services/dev.cairn.config.SchedulerPlugin}: cluster schedulers first, {@code
 * local} last (its branch closes the scripts' job-id ladder).
 */
public final class SchedulerRegistry {
  private static final List<SchedulerProvider> PROVIDERS =
      SchedulerPlugin.installed().stream()
          .filter(SchedulerProvider.class::isInstance)
          .map(SchedulerProvider.class::cast)
          .toList();

  private SchedulerRegistry() {}

  /** Every provider, in the registry's order. */
  public static List<SchedulerProvider> providers() {
    return PROVIDERS;
  }

  /** The provider of a name as a config writes it, if one is installed. */
  public static Optional<SchedulerProvider> find(String name) {
    return PROVIDERS.stream().filter(p -> p.name().equals(name)).findFirst();
  }

  /** The names, in the registry's order: what help texts offer ({@code completionCandidates}). */
  public static final class Names implements Iterable<String> {
    @Override
    public java.util.Iterator<String> iterator() {
      return PROVIDERS.stream().map(SchedulerProvider::name).iterator();
    }
  }

  /** The provider of {@code name}, or one line naming the choices. */
  static SchedulerProvider get(String name) {
    return find(name)
        .orElseThrow(
            () ->
                new dev.cairn.CairnException(
                    "SCHEDULER=" + name + " is not available; use " + SchedulerName.choices()));
  }
}
