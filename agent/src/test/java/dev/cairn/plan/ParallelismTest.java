package dev.cairn.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ParallelismTest {
  private static final List<JobSpec> JOBS =
      RunPlan.of(
              TrialsTest.parse(TrialsTest.BASE + "SEED=1,2,3,4\n"),
              "a".repeat(40),
              Instant.parse("2026-12-01T00:00:00Z"),
              1,
              Path.of("/scratch/cairn"))
          .jobs();

  private static ArrayJob array(String name, int size) {
    return new ArrayJob(
        name,
        Path.of(name + ".sh"),
        Path.of(name + ".out"),
        Path.of(name + ".err"),
        JOBS.subList(0, size),
        0);
  }

  private static List<Integer> throttles(List<ArrayJob> arrays) {
    return arrays.stream().map(ArrayJob::throttle).toList();
  }

  @Test
  void allocate_throttlesAddUpToTheCap_andTheRestWait() {
    List<ArrayJob> six =
        List.of(
            array("a", 2),
            array("b", 2),
            array("c", 2),
            array("d", 2),
            array("e", 2),
            array("f", 2));
    Parallelism.Allocation a = Parallelism.allocate(six, 4, 0);
    assertEquals(List.of(2, 2), throttles(a.started()));
    assertEquals(List.of(2, 2, 2, 2), throttles(a.held()), "each at most its size");
    Parallelism.Allocation later = Parallelism.allocate(six.subList(2, 6), 4, 3);
    assertEquals(List.of(1), throttles(later.started()), "one slot free: %1");
    assertEquals(3, later.held().size());
  }

  @Test
  void allocate_withoutACap_startsEveryArrayUnthrottled() {
    Parallelism.Allocation a = Parallelism.allocate(List.of(array("a", 12)), 0, 5);
    assertEquals(List.of(0), throttles(a.started()));
    assertEquals(List.of(), a.held());
    assertEquals("1-12", a.started().get(0).range(1));
    assertEquals("0-11%4", array("a", 12).withThrottle(4).range());
  }
}
