package dev.cairn.plan;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Trials of one task and one resource shape submitted as one job array: element {@code i} runs
 * {@code members.get(i)}, at most {@code throttle} at once (0: no limit).
 */
public record ArrayJob(
    String name, Path script, Path outFile, Path errFile, List<JobSpec> members, int throttle) {

  public ArrayJob {
    members = List.copyOf(members);
  }

  /** {@code 0-11%4}: the range as SLURM's {@code --array} takes it. */
  public String range() {
    return range(0);
  }

  /**
   * The range counted from the scheduler's first index: {@code 0-11%4} on SLURM, {@code 1-12%4}
   * where elements count from 1, as LSF's do.
   */
  public String range(int base) {
    return base + "-" + (base + members.size() - 1) + (throttle > 0 ? "%" + throttle : "");
  }

  /** The same array with another throttle. */
  public ArrayJob withThrottle(int slots) {
    return new ArrayJob(name, script, outFile, errFile, members, slots);
  }

  /**
   * The arrays for a list of jobs that may share one (same task and resources, first attempt), each
   * at most {@code maxSize} elements; named after their first trial, so the name is unique in the
   * run and stable across restarts.
   */
  public static List<ArrayJob> chunk(List<JobSpec> jobs, int maxSize, int throttle) {
    List<ArrayJob> arrays = new ArrayList<>();
    for (int from = 0; from < jobs.size(); from += maxSize) {
      List<JobSpec> part = jobs.subList(from, Math.min(jobs.size(), from + maxSize));
      JobSpec first = part.get(0);
      String stem = first.trial().id() + "-x" + part.size();
      Path runDir = first.runDir();
      arrays.add(
          new ArrayJob(
              "cairn-" + first.runId() + "-" + stem + "-a" + first.attempt(),
              runDir.resolve("scripts").resolve("array-" + stem + ".sh"),
              runDir.resolve("out").resolve("arrays").resolve(stem + "-%a.out"),
              runDir.resolve("err").resolve("arrays").resolve(stem + "-%a.err"),
              part,
              throttle));
    }
    return arrays;
  }
}
