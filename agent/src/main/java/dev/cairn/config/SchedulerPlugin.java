package dev.cairn.config;

import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * What the settings and the experiment schema know of a scheduler plug-in: the name a config gives
 * in {@code SCHEDULER} and the agent settings it reads. The scheduler step implements it ({@code
 * dev.cairn.scheduler.SchedulerProvider}); {@code
 * META-INF/services/dev.cairn.config.SchedulerPlugin} is the registry, one line per scheduler, in
 * the order messages list them.
 */
public interface SchedulerPlugin {

  /** The name as a config writes it: {@code slurm}. */
  String name();

  /**
   * The agent settings this scheduler reads, each with its default, in the order {@code
   * config/agent.env.example} documents them. Empty by default.
   */
  default Map<String, String> settingDefaults() {
    return Map.of();
  }

  /** Records one line per bad value of its settings in {@code problems}; {@code values} has all. */
  default void checkSettings(Map<String, String> values, List<String> problems) {}

  /** Every installed plug-in, in the registry's order. */
  static List<SchedulerPlugin> installed() {
    return ServiceLoader.load(SchedulerPlugin.class, SchedulerPlugin.class.getClassLoader())
        .stream()
        .map(ServiceLoader.Provider::get)
        .toList();
  }
}
