package dev.cairn.scheduler.slurm;

import dev.cairn.Faults;
import dev.cairn.config.AgentSettings;
import dev.cairn.scheduler.CommandEnvironment;
import dev.cairn.scheduler.CommandRunner;
import dev.cairn.scheduler.Scheduler;
import dev.cairn.scheduler.SchedulerProvider;
import dev.cairn.scheduler.ShellWords;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;

/** SLURM as a plug-in: sbatch, squeue, sacct, scontrol, scancel; arrays count from 0. */
public final class SlurmProvider implements SchedulerProvider {
  static final String NAME = "slurm";

  /** sbatch, squeue, sacct, scontrol, scancel; SLURM_CONF locates the cluster. */
  static final CommandEnvironment ENVIRONMENT =
      CommandEnvironment.passing(Set.of("SLURM_CONF"), "");

  private static final String EXTRA_ARGS = "CAIRN_SLURM_EXTRA_ARGS";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Map<String, String> settingDefaults() {
    return Map.of(EXTRA_ARGS, "");
  }

  @Override
  public Scheduler create(
      AgentSettings settings, Clock clock, CommandRunner runner, Faults faults) {
    return new SlurmScheduler(runner, options(settings));
  }

  /** SLURM's commands from CAIRN_SCHEDULER_BIN_DIR (or PATH) with CAIRN_SLURM_EXTRA_ARGS. */
  static SlurmOptions options(AgentSettings settings) {
    SlurmOptions defaults = SlurmOptions.defaults();
    String dir = settings.schedulerBinDir();
    UnaryOperator<String> bin = name -> dir.isEmpty() ? name : Path.of(dir, name).toString();
    List<String> extra = ShellWords.split(EXTRA_ARGS, settings.schedulerSetting(EXTRA_ARGS));
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

  /** %a in sbatch's --output and --error is the element's index, counted from 0. */
  @Override
  public Optional<ArraySyntax> arrays() {
    return Optional.of(new ArraySyntax(0, "%a", "SLURM_ARRAY_TASK_ID"));
  }

  @Override
  public Map<String, Object> resourceFormats(Duration timeLimit, long memMb) {
    return Map.of("slurm_time", time(timeLimit));
  }

  /** {@code D-HH:MM:SS} or {@code HH:MM:SS}, as sbatch's --time takes it. */
  static String time(Duration d) {
    long s = d.toSeconds();
    long days = s / 86_400;
    String hms = String.format("%02d:%02d:%02d", (s % 86_400) / 3600, (s % 3600) / 60, s % 60);
    return days > 0 ? days + "-" + hms : hms;
  }
}
