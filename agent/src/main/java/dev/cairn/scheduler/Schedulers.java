package dev.cairn.scheduler;

import dev.cairn.CairnException;
import dev.cairn.Faults;
import dev.cairn.config.AgentSettings;
import dev.cairn.config.SchedulerName;
import dev.cairn.scheduler.local.LocalScheduler;
import dev.cairn.scheduler.lsf.LsfOptions;
import dev.cairn.scheduler.lsf.LsfScheduler;
import dev.cairn.scheduler.slurm.SlurmOptions;
import dev.cairn.scheduler.slurm.SlurmScheduler;
import java.io.IOException;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Picks and keeps the scheduler implementation by the name a config gives ({@code slurm}, {@code
 * lsf}, {@code local}): the one place that switches on it.
 */
public final class Schedulers implements AutoCloseable {
  private final AgentSettings settings;
  private final Clock clock;
  private final CommandRunner runner;
  private final Faults faults;
  private final Map<String, Scheduler> open = new LinkedHashMap<>();

  public Schedulers(AgentSettings settings, Clock clock, CommandRunner runner) {
    this(settings, clock, runner, Faults.NONE);
  }

  /** As above, handing {@code faults} to the schedulers that mark steps (the local one). */
  public Schedulers(AgentSettings settings, Clock clock, CommandRunner runner, Faults faults) {
    this.settings = settings;
    this.clock = clock;
    this.runner = runner;
    this.faults = faults;
  }

  /**
   * Only the given schedulers, by their names, already open: how the loop's unit tests plug in a
   * scheduler held in memory. Any other name is not available.
   */
  Schedulers(Map<String, Scheduler> fixed) {
    this(null, null, null);
    open.putAll(fixed);
  }

  /**
   * Whether the named scheduler runs a sweep's trials as job arrays (see {@link
   * Scheduler#maxArraySize()}): what {@code render} shows without asking a cluster.
   */
  public static boolean runsArrays(String name) {
    return SchedulerName.of(name).map(SchedulerName::runsArrays).orElse(false);
  }

  public synchronized Scheduler get(String name) {
    return open.computeIfAbsent(name, this::create);
  }

  private Scheduler create(String id) {
    if (settings == null) {
      throw new CairnException("SCHEDULER=" + id + " is not available; use " + open.keySet());
    }
    SchedulerName name =
        SchedulerName.of(id)
            .orElseThrow(
                () ->
                    new CairnException(
                        "SCHEDULER=" + id + " is not available; use " + SchedulerName.choices()));
    try {
      return switch (name) {
        case LOCAL ->
            new LocalScheduler(
                settings.stateDir().resolve("local-scheduler"),
                settings.localMaxJobs(),
                clock,
                runner,
                faults);
        case SLURM -> new SlurmScheduler(runner, slurmOptions(settings));
        case LSF ->
            new LsfScheduler(
                runner,
                LsfOptions.of(
                    settings.schedulerBinDir(),
                    settings.lsfSubmitCommand(),
                    settings.lsfSubmitArgs()));
      };
    } catch (IOException e) {
      throw new CairnException("cannot start the " + id + " scheduler: " + e.getMessage(), e);
    }
  }

  /** SLURM's commands from CAIRN_SCHEDULER_BIN_DIR (or PATH) with CAIRN_SLURM_EXTRA_ARGS. */
  static SlurmOptions slurmOptions(AgentSettings settings) {
    SlurmOptions defaults = SlurmOptions.defaults();
    String dir = settings.schedulerBinDir();
    java.util.function.Function<String, String> bin =
        name -> dir.isEmpty() ? name : java.nio.file.Path.of(dir, name).toString();
    List<String> extra = ShellWords.split("CAIRN_SLURM_EXTRA_ARGS", settings.slurmExtraArgs());
    return new SlurmOptions(
        bin.apply("sbatch"),
        bin.apply("squeue"),
        bin.apply("sacct"),
        bin.apply("scontrol"),
        bin.apply("scancel"),
        extra,
        defaults.timeout(),
        defaults.commandEnvironment());
  }

  @Override
  public synchronized void close() {
    open.values().forEach(Scheduler::close);
    open.clear();
  }
}
