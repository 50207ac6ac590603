package dev.cairn.scheduler.lsf;

import dev.cairn.Faults;
import dev.cairn.config.AgentSettings;
import dev.cairn.scheduler.CommandEnvironment;
import dev.cairn.scheduler.CommandRunner;
import dev.cairn.scheduler.Scheduler;
import dev.cairn.scheduler.SchedulerProvider;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** IBM Spectrum LSF as a plug-in: bsub (or a wrapper), bjobs, bhist, bkill; arrays count from 1. */
public final class LsfProvider implements SchedulerProvider {
  static final String NAME = "lsf";

  // IBM, bsub -J: "By default, the job array index starts at one"
  static final int FIRST_INDEX = 1;

  /** bsub, bjobs, bkill; LSF copies the submission environment into the job. */
  static final CommandEnvironment ENVIRONMENT = CommandEnvironment.passing(Set.of(), "LSF_");

  private static final String SUBMIT_COMMAND = "CAIRN_LSF_SUBMIT_COMMAND";
  private static final String SUBMIT_ARGS = "CAIRN_LSF_SUBMIT_ARGS";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Map<String, String> settingDefaults() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(SUBMIT_COMMAND, "bsub");
    m.put(SUBMIT_ARGS, "");
    return m;
  }

  @Override
  public Scheduler create(
      AgentSettings settings, Clock clock, CommandRunner runner, Faults faults) {
    return new LsfScheduler(
        runner,
        LsfOptions.of(
            settings.schedulerBinDir(),
            settings.schedulerSetting(SUBMIT_COMMAND),
            settings.schedulerSetting(SUBMIT_ARGS)));
  }

  /** %I in bsub's -o and -e is the element's index. */
  @Override
  public Optional<ArraySyntax> arrays() {
    return Optional.of(new ArraySyntax(FIRST_INDEX, "%I", "LSB_JOBINDEX"));
  }

  @Override
  public Map<String, Object> resourceFormats(Duration timeLimit, long memMb) {
    return Map.of("lsf_time", time(timeLimit));
  }

  /** {@code HH:MM} (rounded up to the minute), as bsub's -W takes it. */
  static String time(Duration d) {
    long minutes = (d.toSeconds() + 59) / 60;
    return String.format("%d:%02d", minutes / 60, minutes % 60);
  }
}
