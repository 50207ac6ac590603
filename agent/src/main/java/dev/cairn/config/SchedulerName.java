package dev.cairn.config;

import java.util.List;

/**
 * The names a config may give in {@code SCHEDULER}, derived from the installed scheduler plug-ins
 * ({@link SchedulerPlugin}): the schema validates against them and messages list them.
 */
public final class SchedulerName {
  /** What {@code SCHEDULER} is when a config leaves it out. */
  public static final String DEFAULT = "slurm";

  private SchedulerName() {}

  /** Every name as a config writes it, in the registry's order. */
  public static String[] ids() {
    return SchedulerPlugin.installed().stream().map(SchedulerPlugin::name).toArray(String[]::new);
  }

  /** "slurm, lsf or local", for messages. */
  public static String choices() {
    List<String> ids = List.of(ids());
    if (ids.size() == 1) {
      return ids.get(0);
    }
    return String.join(", ", ids.subList(0, ids.size() - 1)) + " or " + ids.get(ids.size() - 1);
  }
}
