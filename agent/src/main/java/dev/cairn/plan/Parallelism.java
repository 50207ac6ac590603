package dev.cairn.plan;

import java.util.ArrayList;
import java.util.List;

/**
 * How {@code SWEEP_MAX_PARALLEL} holds for a whole run where trials go as job arrays: each array's
 * throttle ({@code %K}) is a share of the slots still free, so the throttles of the arrays in the
 * scheduler add up to at most the cap; an array that finds no slot free is held back by the agent
 * and submitted, throttled to the slots free then, once earlier trials have ended.
 */
public final class Parallelism {
  private Parallelism() {}

  /**
   * The arrays submitted now, each throttled to its share, and those held back (with the most slots
   * they can get).
   */
  public record Allocation(List<ArrayJob> started, List<ArrayJob> held) {
    public Allocation {
      started = List.copyOf(started);
      held = List.copyOf(held);
    }
  }

  /**
   * Shares the free slots among {@code arrays} in order.
   *
   * @param cap {@code SWEEP_MAX_PARALLEL}; 0 for no limit: every array starts unthrottled
   * @param used the slots the run's trials already in the scheduler take
   */
  public static Allocation allocate(List<ArrayJob> arrays, int cap, int used) {
    List<ArrayJob> started = new ArrayList<>();
    List<ArrayJob> held = new ArrayList<>();
    int free = cap - used;
    for (ArrayJob array : arrays) {
      int size = array.members().size();
      if (cap <= 0) {
        started.add(array.withThrottle(0));
      } else if (free <= 0) {
        held.add(array.withThrottle(Math.min(cap, size)));
      } else {
        int slots = Math.min(free, size);
        started.add(array.withThrottle(slots));
        free -= slots;
      }
    }
    return new Allocation(started, held);
  }
}
