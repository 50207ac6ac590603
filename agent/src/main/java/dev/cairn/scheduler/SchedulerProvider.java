package dev.cairn.scheduler;

import dev.cairn.Faults;
import dev.cairn.config.AgentSettings;
import dev.cairn.config.SchedulerPlugin;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/**
 * A scheduler as a plug-in: everything the agent knows of one scheduler, behind its name. Its
 * package holds the implementation, its templates folder ({@code templates/<name>/}) the fragments
 * the frame includes by this name: {@code header.peb} (the directives) and {@code job-id.peb} (its
 * branch of the script's job-id ladder). The registry is {@code
 * META-INF/services/dev.cairn.config.SchedulerPlugin}, one line per provider.
 */
public interface SchedulerProvider extends SchedulerPlugin {

  /**
   * Starts the scheduler that submits, queries and cancels (its settings from {@code settings}).
   */
  Scheduler create(AgentSettings settings, Clock clock, CommandRunner runner, Faults faults)
      throws IOException;

  /** Whether a sweep's trials go to this scheduler as job arrays. */
  default boolean runsArrays() {
    return false;
  }

  /** The index of an array's first element: SLURM counts from 0, LSF from 1. */
  default int firstArrayIndex() {
    return 0;
  }

  /** What stands for an element's index in an output file name: SLURM's %a, LSF's %I. */
  default String arrayIndexPattern() {
    return "%a";
  }

  /**
   * The variable in which a running array element finds its index ({@code SLURM_ARRAY_TASK_ID}), or
   * empty where this scheduler runs no arrays.
   */
  default String arrayIndexVariable() {
    return "";
  }

  /**
   * The job's time limit and memory as this scheduler's directives write them, for the templates'
   * {@code res} ({@code res.slurm_time}): names prefixed with the scheduler's own, so that no two
   * plug-ins give the same one. Empty by default.
   */
  default Map<String, Object> resourceFormats(Duration timeLimit, long memMb) {
    return Map.of();
  }
}
