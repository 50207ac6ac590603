package dev.cairn.scheduler;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The one allow-list of what the agent's environment passes to scheduler commands and local jobs: a
 * handful of variables every command needs, plus those that locate each scheduler's cluster.
 * Nothing else goes, so credentials in the agent's environment never reach a job or a log.
 */
public enum CommandEnvironment {
  /** sbatch, squeue, sacct, scontrol, scancel; SLURM_CONF locates the cluster. */
  SLURM(Set.of("SLURM_CONF"), null),
  /** bsub, bjobs, bkill; LSF copies the submission environment into the job. */
  LSF(Set.of(), "LSF_"),
  /** A job the local scheduler runs as a child process; the demo trainer needs JAVA_HOME. */
  LOCAL_JOB(Set.of("JAVA_HOME"), null);

  /** What every command gets. */
  static final Set<String> COMMON =
      Set.of("PATH", "HOME", "USER", "LOGNAME", "LANG", "LC_ALL", "TZ", "TMPDIR");

  private final Set<String> names;
  private final String prefix;

  CommandEnvironment(Set<String> names, String prefix) {
    this.names = names;
    this.prefix = prefix;
  }

  /** The subset of {@code environment} this kind of command may see. */
  public Map<String, String> passedFrom(Map<String, String> environment) {
    Map<String, String> passed = new TreeMap<>();
    environment.forEach(
        (key, value) -> {
          if (COMMON.contains(key)
              || names.contains(key)
              || (prefix != null && key.startsWith(prefix))) {
            passed.put(key, value);
          }
        });
    return passed;
  }
}
