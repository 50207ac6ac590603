package dev.cairn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.testing.AgentProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** README's first command: `java -jar agent.jar demo`, on the built jar. */
class DemoIT {
  @TempDir Path tmp;

  @Test
  void demo_runsTheThreeTasksToCompletedAndExitsZero() throws Exception {
    Path log = tmp.resolve("demo.log");
    Path ws = tmp.resolve("ws");
    long start = System.nanoTime();
    int code;
    try (AgentProcess demo = AgentProcess.start(log, Map.of(), "demo", "--workspace", ws.toString())) {
      code = demo.waitFor(Duration.ofSeconds(120));
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    String out = Files.readString(log);
    assertEquals(0, code, out);
    assertTrue(seconds < 60, "the demo took " + seconds + " s");
    for (String task : new String[] {"crop_classification", "landslide", "biomass"}) {
      assertTrue(out.lines().anyMatch(l -> l.strip().startsWith(task) && l.contains("COMPLETED")), out);
    }
    assertTrue(out.contains("SUCCEEDED"), out);
    Path runs = ws.resolve("agent/work/runs");
    Path run;
    try (Stream<Path> dirs = Files.list(runs)) {
      run = dirs.findFirst().orElseThrow();
    }
    for (String task : new String[] {"crop_classification", "landslide", "biomass"}) {
      assertTrue(Files.size(run.resolve("out/" + task + ".out")) > 0);
      assertTrue(Files.exists(run.resolve("err/" + task + ".err")));
      assertTrue(Files.readAllLines(run.resolve("predictions/" + task + "/metrics.csv")).size() > 1);
      try (Stream<Path> pngs = Files.list(run.resolve("predictions/" + task + "/predictions"))) {
        assertTrue(pngs.filter(p -> p.toString().endsWith(".png")).count() >= 2);
      }
    }
  }

  @Test
  void demo_refusesAWorkspaceThatIsNotEmpty() throws Exception {
    Path ws = Files.createDirectories(tmp.resolve("busy"));
    Files.writeString(ws.resolve("keep.txt"), "mine");
    Path log = tmp.resolve("demo.log");
    try (AgentProcess demo = AgentProcess.start(log, Map.of(), "demo", "--workspace", ws.toString())) {
      assertEquals(2, demo.waitFor(Duration.ofSeconds(60)));
    }
    String out = Files.readString(log).strip();
    assertEquals("cairn: the demo workspace " + ws + " is not empty; pass --workspace with a new folder", out);
  }
}
