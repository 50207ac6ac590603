package dev.cairn.scheduler.local;

import dev.cairn.Faults;
import dev.cairn.config.AgentSettings;
import dev.cairn.config.SettingChecks;
import dev.cairn.scheduler.CommandRunner;
import dev.cairn.scheduler.Scheduler;
import dev.cairn.scheduler.SchedulerProvider;
import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.Map;

/**
 * The agent's own scheduler as a plug-in: jobs run as child processes on this machine, no arrays.
 * Last in the registry: its branch closes the scripts' job-id ladder.
 */
public final class LocalProvider implements SchedulerProvider {
  static final String NAME = "local";

  private static final String MAX_JOBS = "CAIRN_LOCAL_MAX_JOBS";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Map<String, String> settingDefaults() {
    return Map.of(MAX_JOBS, "2");
  }

  @Override
  public void checkSettings(Map<String, String> values, List<String> problems) {
    SettingChecks.integer(MAX_JOBS, values, 1, 1024, problems);
  }

  @Override
  public Scheduler create(AgentSettings settings, Clock clock, CommandRunner runner, Faults faults)
      throws IOException {
    return new LocalScheduler(
        settings.stateDir().resolve("local-scheduler"),
        Integer.parseInt(settings.schedulerSetting(MAX_JOBS)),
        clock,
        runner,
        faults);
  }
}
