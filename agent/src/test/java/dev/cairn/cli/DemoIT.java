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
    int code;
    try (AgentProcess demo =
        AgentProcess.start(log, Map.of(), "demo", "--workspace", ws.toString())) {
      code = demo.waitFor(Duration.ofSeconds(120));
    }
    String out = Files.readString(log);
    assertEquals(0, code, out);
    for (String task : new String[] {"crop_classification", "landslide", "biomass"}) {
      assertTrue(
          out.lines().anyMatch(l -> l.strip().startsWith(task) && l.contains("COMPLETED")), out);
    }
    assertTrue(out.contains("SUCCEEDED"), out);
    Path runs = ws.resolve("agent/work/runs");
    Path run;
    try (Stream<Path> dirs = Files.list(runs)) {
      run = dirs.findFirst().orElseThrow();
    }
    assertReproducible(out, ws, run);
    for (String task : new String[] {"crop_classification", "landslide", "biomass"}) {
      assertTrue(Files.size(run.resolve("out/" + task + ".out")) > 0);
      assertTrue(Files.exists(run.resolve("err/" + task + ".err")));
      assertTrue(
          Files.readAllLines(run.resolve("predictions/" + task + "/metrics.csv")).size() > 1);
      try (Stream<Path> pngs = Files.list(run.resolve("predictions/" + task + "/predictions"))) {
        assertTrue(pngs.filter(p -> p.toString().endsWith(".png")).count() >= 2);
      }
    }
  }

  /** A fresh clone, a checkout of the results commit and `agent.jar pull` give the outputs back. */
  private void assertReproducible(String demoOutput, Path ws, Path run) throws Exception {
    String results =
        demoOutput
            .lines()
            .filter(l -> l.startsWith("results commit "))
            .findFirst()
            .orElseThrow()
            .substring("results commit ".length())
            .strip();
    Path repro = tmp.resolve("repro");
    try (org.eclipse.jgit.api.Git git =
        org.eclipse.jgit.api.Git.cloneRepository()
            .setURI(ws.resolve("origin.git").toUri().toString())
            .setDirectory(repro.toFile())
            .call()) {
      git.checkout().setName(results).call();
    }
    Path log = tmp.resolve("pull.log");
    try (AgentProcess pull =
        AgentProcess.start(log, Map.of(), "pull", "--repo", repro.toString())) {
      assertEquals(0, pull.waitFor(Duration.ofSeconds(60)), Files.readString(log));
    }
    // the run's folder is keyed by commit and attempt, its results folder by run id
    Path restored;
    try (Stream<Path> dirs = Files.list(repro.resolve("results"))) {
      restored = dirs.filter(Files::isDirectory).findFirst().orElseThrow();
    }
    for (String output : new String[] {"err", "out", "predictions"}) {
      assertSameTree(run.resolve(output), restored.resolve(output));
    }
    // and the run can be repeated: a new attempt of its config commit, linked to the results
    Path reproduceLog = tmp.resolve("reproduce.log");
    try (AgentProcess reproduce =
        AgentProcess.start(
            reproduceLog,
            Map.of(
                "CAIRN_STORE",
                ws.resolve("store").toUri().toString(),
                "CAIRN_STATE_DIR",
                tmp.resolve("cli").toString()),
            "reproduce",
            results,
            "--repo",
            repro.toString())) {
      assertEquals(0, reproduce.waitFor(Duration.ofSeconds(60)), Files.readString(reproduceLog));
    }
    assertTrue(
        Files.readString(reproduceLog).startsWith("submitted attempt 2 of config commit "),
        Files.readString(reproduceLog));
    String request;
    try (Stream<Path> queue = Files.list(ws.resolve("store/queue"))) {
      Path entry = queue.filter(p -> p.toString().endsWith("-a2")).findFirst().orElseThrow();
      request = Files.readString(entry);
    }
    assertTrue(request.contains("\"reproduces\" : \"" + results + "\""), request);
  }

  private static void assertSameTree(Path expected, Path actual) throws Exception {
    java.util.List<Path> files;
    try (Stream<Path> walk = Files.walk(expected)) {
      files = walk.filter(Files::isRegularFile).toList();
    }
    assertTrue(!files.isEmpty(), expected + " is empty");
    for (Path f : files) {
      Path other = actual.resolve(expected.relativize(f).toString());
      assertTrue(Files.exists(other), "missing after pull: " + other);
      assertTrue(
          java.util.Arrays.equals(Files.readAllBytes(f), Files.readAllBytes(other)),
          "differs: " + other);
    }
    try (Stream<Path> walk = Files.walk(actual)) {
      assertEquals(
          files.size(), walk.filter(Files::isRegularFile).count(), "files under " + actual);
    }
  }

  @Test
  void demo_refusesAWorkspaceThatIsNotEmpty() throws Exception {
    Path ws = Files.createDirectories(tmp.resolve("busy"));
    Files.writeString(ws.resolve("keep.txt"), "mine");
    Path log = tmp.resolve("demo.log");
    try (AgentProcess demo =
        AgentProcess.start(log, Map.of(), "demo", "--workspace", ws.toString())) {
      assertEquals(2, demo.waitFor(Duration.ofSeconds(60)));
    }
    String out = Files.readString(log).strip();
    assertEquals(
        "cairn: the demo workspace " + ws + " is not empty; pass --workspace with a new folder",
        out);
  }
}
