package dev.cairn.scheduler;

import dev.cairn.CairnException;
import dev.cairn.Faults;
import dev.cairn.config.AgentSettings;
import java.io.IOException;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Starts and keeps the scheduler of each name a config gives ({@code slurm}, {@code lsf}, {@code
 * local}), through its plug-in in the {@link SchedulerRegistry}.
 */
public final class Schedulers implements AutoCloseable {
  /** What opens a scheduler by name; null where only the fixed schedulers are available. */
  private final @Nullable Opener opener;

  private final Map<String, Scheduler> open = new LinkedHashMap<>();

  public Schedulers(AgentSettings settings, Clock clock, CommandRunner runner) {
    this(settings, clock, runner, Faults.NONE);
  }

  /** As above, handing {@code faults} to the schedulers that mark steps (the local one). */
  public Schedulers(AgentSettings settings, Clock clock, CommandRunner runner, Faults faults) {
    this.opener = new Opener(settings, clock, runner, faults);
  }

  /**
   * Only the given schedulers, by their names, already open: how the loop's unit tests plug in a
   * scheduler held in memory. Any other name is not available.
   */
  Schedulers(Map<String, Scheduler> fixed) {
    this.opener = null;
    open.putAll(fixed);
  }

  /**
   * Whether the named scheduler runs a sweep's trials as job arrays (see {@link
   * Scheduler#maxArraySize()}): what {@code render} shows without asking a cluster.
   */
  public static boolean runsArrays(String name) {
    return SchedulerRegistry.find(name).flatMap(SchedulerProvider::arrays).isPresent();
  }

  /** The index of an array's first element on the named scheduler (0 where none is installed). */
  public static int firstArrayIndex(String name) {
    return SchedulerRegistry.find(name)
        .flatMap(SchedulerProvider::arrays)
        .map(SchedulerProvider.ArraySyntax::firstIndex)
        .orElse(0);
  }

  public synchronized Scheduler get(String name) {
    return open.computeIfAbsent(name, this::create);
  }

  private Scheduler create(String id) {
    if (opener == null) {
      throw new CairnException("SCHEDULER=" + id + " is not available; use " + open.keySet());
    }
    SchedulerProvider provider = SchedulerRegistry.get(id);
    try {
      return provider.create(opener.settings(), opener.clock(), opener.runner(), opener.faults());
    } catch (IOException e) {
      throw new CairnException("cannot start the " + id + " scheduler: " + e.getMessage(), e);
    }
  }

  private record Opener(AgentSettings settings, Clock clock, CommandRunner runner, Faults faults) {}

  @Override
  public synchronized void close() {
    open.values().forEach(Scheduler::close);
    open.clear();
  }
}
