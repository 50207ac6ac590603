package dev.cairn.scheduler.slurm;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How {@link SlurmScheduler} calls SLURM: the commands (names on PATH or absolute paths), extra
 * sbatch arguments, a timeout per command and the only environment the commands get.
 *
 * @param commandEnvironment what sbatch, squeue... run with instead of the agent's environment, so
 *     that neither the agent's secrets nor stray {@code SBATCH_*} variables reach them
 */
public record SlurmOptions(
    String sbatch,
    String squeue,
    String sacct,
    String scontrol,
    String scancel,
    List<String> extraSbatchArgs,
    Duration timeout,
    Map<String, String> commandEnvironment) {

  public SlurmOptions {
    Objects.requireNonNull(sbatch, "sbatch");
    Objects.requireNonNull(squeue, "squeue");
    Objects.requireNonNull(sacct, "sacct");
    Objects.requireNonNull(scontrol, "scontrol");
    Objects.requireNonNull(scancel, "scancel");
    extraSbatchArgs = List.copyOf(extraSbatchArgs);
    Objects.requireNonNull(timeout, "timeout");
    commandEnvironment = Map.copyOf(commandEnvironment);
  }

  /** The commands from PATH, no extra arguments, 60 s per command, the passed variables. */
  public static SlurmOptions defaults() {
    return new SlurmOptions(
        "sbatch",
        "squeue",
        "sacct",
        "scontrol",
        "scancel",
        List.of(),
        Duration.ofSeconds(60),
        passedFrom(System.getenv()));
  }

  /** sinfo, from the folder squeue is in (or PATH where squeue is a bare name). */
  public String sinfo() {
    int slash = squeue.lastIndexOf('/');
    return slash < 0 ? "sinfo" : squeue.substring(0, slash + 1) + "sinfo";
  }

  public SlurmOptions withExtraSbatchArgs(List<String> args) {
    return new SlurmOptions(
        sbatch, squeue, sacct, scontrol, scancel, args, timeout, commandEnvironment);
  }

  public SlurmOptions withTimeout(Duration newTimeout) {
    return new SlurmOptions(
        sbatch, squeue, sacct, scontrol, scancel, extraSbatchArgs, newTimeout, commandEnvironment);
  }

  /** The subset of {@code environment} that SLURM commands need. */
  static Map<String, String> passedFrom(Map<String, String> environment) {
    return SlurmProvider.ENVIRONMENT.passedFrom(environment);
  }
}
