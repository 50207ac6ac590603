package dev.cairn.scheduler;

import dev.cairn.Faults;
import dev.cairn.config.AgentSettings;
import dev.cairn.config.SchedulerPlugin;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

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

  /**
   * How this scheduler numbers a job array's elements; empty where a sweep's trials go to it one by
   * one (no arrays).
   */
  default Optional<ArraySyntax> arrays() {
    return Optional.empty();
  }

  /**
   * A scheduler's job arrays.
   *
   * @param firstIndex the index of an array's first element: SLURM counts from 0, LSF from 1
   * @param indexPattern what stands for an element's index in an output file name: SLURM's %a,
   *     LSF's %I
   * @param indexVariable the variable in which a running element finds its index ({@code
   *     SLURM_ARRAY_TASK_ID})
   */
  record ArraySyntax(int firstIndex, String indexPattern, String indexVariable) {}

  /**
   * The job's time limit and memory as this scheduler's directives write them, for the templates'
   * {@code res} ({@code res.slurm_time}): names prefixed with the scheduler's own, so that no two
   * plug-ins give the same one. Empty by default.
   */
  default Map<String, Object> resourceFormats(Duration timeLimit, long memMb) {
    return Map.of();
  }
}
