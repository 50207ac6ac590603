package dev.cairn.scheduler;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * An allow-list of what the agent's environment passes to scheduler commands and local jobs: a
 * handful of variables every command needs, plus those a scheduler plug-in names to locate its
 * cluster. Nothing else goes, so credentials in the agent's environment never reach a job or a log.
 */
public final class CommandEnvironment {
  /**
   * A job run as a child process of the agent (local scheduler, rerun-stage): the demo trainer
   * needs JAVA_HOME.
   */
  public static final CommandEnvironment LOCAL_JOB = passing(Set.of("JAVA_HOME"), "");

  /** What every command gets. */
  static final Set<String> COMMON =
      Set.of("PATH", "HOME", "USER", "LOGNAME", "LANG", "LC_ALL", "TZ", "TMPDIR");

  private final Set<String> names;
  private final String prefix;

  private CommandEnvironment(Set<String> names, String prefix) {
    this.names = Set.copyOf(names);
    this.prefix = prefix;
  }

  /**
   * The common variables plus {@code names} and, unless {@code prefix} is empty, every variable
   * whose name starts with it ({@code LSF_}).
   */
  public static CommandEnvironment passing(Set<String> names, String prefix) {
    return new CommandEnvironment(names, prefix);
  }

  /** The subset of {@code environment} this kind of command may see. */
  public Map<String, String> passedFrom(Map<String, String> environment) {
    Map<String, String> passed = new TreeMap<>();
    environment.forEach(
        (key, value) -> {
          if (COMMON.contains(key)
              || names.contains(key)
              || (!prefix.isEmpty() && key.startsWith(prefix))) {
            passed.put(key, value);
          }
        });
    return passed;
  }
}
