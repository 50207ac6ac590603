package dev.cairn.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * The schedulers a config may name in {@code SCHEDULER}: the one list of their names. The schema
 * validates against it, messages list it, and the scheduler registry maps each name to its
 * implementation with a switch the compiler checks for completeness.
 */
public enum SchedulerName {
  SLURM,
  LSF,
  LOCAL;

  /** The name as a config writes it: {@code slurm}. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<SchedulerName> of(String id) {
    return Arrays.stream(values()).filter(s -> s.id().equals(id)).findFirst();
  }

  /** Every name as a config writes it. */
  public static String[] ids() {
    return Arrays.stream(values()).map(SchedulerName::id).toArray(String[]::new);
  }

  /** "slurm, lsf or local", for messages. */
  public static String choices() {
    String[] ids = ids();
    return String.join(", ", Arrays.copyOf(ids, ids.length - 1)) + " or " + ids[ids.length - 1];
  }
}
