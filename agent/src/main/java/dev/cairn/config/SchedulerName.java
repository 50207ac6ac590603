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
  SLURM(true, 0, "%a"),
  // IBM, bsub -J: "By default, the job array index starts at one"; %I in -o/-e is the index
  LSF(true, 1, "%I"),
  LOCAL(false, 0, "");

  private final boolean runsArrays;
  private final int firstArrayIndex;
  private final String arrayIndexPattern;

  SchedulerName(boolean runsArrays, int firstArrayIndex, String arrayIndexPattern) {
    this.runsArrays = runsArrays;
    this.firstArrayIndex = firstArrayIndex;
    this.arrayIndexPattern = arrayIndexPattern;
  }

  /** Whether a sweep's trials go to this scheduler as job arrays. */
  public boolean runsArrays() {
    return runsArrays;
  }

  /** The index of an array's first element: SLURM counts from 0, LSF from 1. */
  public int firstArrayIndex() {
    return firstArrayIndex;
  }

  /** What stands for the element's index in an output file name: SLURM's %a, LSF's %I. */
  public String arrayIndexPattern() {
    return arrayIndexPattern;
  }

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
