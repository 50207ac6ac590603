package dev.cairn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.testing.AgentProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
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

  /**
   * Every command the demo prints after its run works as printed, from another folder: status,
   * logs, a clone with `pull` that gives the outputs back, `reproduce` and a run of the new
   * attempt.
   */
  private void assertReproducible(String demoOutput, Path ws, Path run) throws Exception {
    List<String> commands =
        demoOutput.lines().filter(l -> l.startsWith("  $ ")).map(l -> l.substring(4)).toList();
    assertEquals(6, commands.size(), demoOutput);
    Path elsewhere = Files.createDirectories(tmp.resolve("elsewhere"));
    List<String> outputs = new ArrayList<>();
    for (String command : commands) {
      ProcessBuilder pb =
          new ProcessBuilder("bash", "-c", command)
              .directory(elsewhere.toFile())
              .redirectErrorStream(true);
      pb.environment().keySet().removeIf(k -> k.startsWith("CAIRN_"));
      Process p = pb.start();
      String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(p.waitFor(180, TimeUnit.SECONDS), command);
      assertEquals(0, p.exitValue(), "$ " + command + "\n" + output);
      outputs.add(output);
      if (output.startsWith("submitted attempt 2 of config commit ")) {
        assertFollowUpRunsAsPrinted(output, elsewhere);
      }
    }
    String sha = run.getFileName().toString().substring(0, 8);
    assertTrue(outputs.get(0).startsWith("0 active run(s), 1 ended"), outputs.get(0));
    assertTrue(outputs.get(1).contains("(commit " + sha + "): SUCCEEDED"), outputs.get(1));
    assertTrue(outputs.get(2).contains("crop_classification.out <=="), outputs.get(2));
    Path restored;
    try (Stream<Path> dirs = Files.list(ws.resolve("repro/results"))) {
      restored = dirs.findFirst().orElseThrow();
    }
    for (String output : new String[] {"err", "out", "predictions"}) {
      assertSameTree(run.resolve(output), restored.resolve(output));
    }
    assertTrue(outputs.get(4).startsWith("submitted attempt 2 of config commit "), outputs.get(4));
    String request;
    try (Stream<Path> queue = Files.list(ws.resolve("store/queue"))) {
      Path entry = queue.filter(p -> p.toString().endsWith("-a2")).findFirst().orElseThrow();
      request = Files.readString(entry);
    }
    String results =
        demoOutput
            .lines()
            .filter(l -> l.startsWith("results commit "))
            .findFirst()
            .orElseThrow()
            .substring("results commit ".length())
            .strip();
    assertTrue(request.contains("\"reproduces\" : \"" + results + "\""), request);
    // the new attempt ran to its end under the agent started by the last command
    String status =
        Files.readString(ws.resolve("store/runs").resolve(commitOf(ws)).resolve("status.json"));
    assertTrue(
        status.contains("\"attempt\" : 2") && status.contains("\"state\" : \"SUCCEEDED\""), status);
  }

  /**
   * reproduce's "follow it with:" command works as printed, from another folder, and says that the
   * new attempt waits for an agent (none runs until the demo's last command).
   */
  private static void assertFollowUpRunsAsPrinted(String reproduced, Path elsewhere)
      throws Exception {
    String prefix = "follow it with: ";
    String command =
        reproduced
            .lines()
            .filter(l -> l.startsWith(prefix))
            .findFirst()
            .orElseThrow(() -> new AssertionError(reproduced))
            .substring(prefix.length());
    assertTrue(command.contains(" -jar ") && command.contains(" --settings "), command);
    ProcessBuilder pb =
        new ProcessBuilder("bash", "-c", command)
            .directory(elsewhere.toFile())
            .redirectErrorStream(true);
    pb.environment().keySet().removeIf(k -> k.startsWith("CAIRN_"));
    Process p = pb.start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(180, TimeUnit.SECONDS), command);
    assertEquals(0, p.exitValue(), "$ " + command + "\n" + output);
    assertTrue(output.contains("): SUCCEEDED"), output);
    assertTrue(output.contains("attempt 2 of commit "), output);
    assertTrue(output.contains("waits for an agent to take it"), output);
  }

  private static String commitOf(Path ws) throws Exception {
    try (Stream<Path> runs = Files.list(ws.resolve("store/runs"))) {
      return runs.findFirst().orElseThrow().getFileName().toString();
    }
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

  @Test
  void demo_withASlurmTerratorchConfig_runsLocallyAndSaysWhatItOverrode() throws Exception {
    Path trap = Files.createDirectories(tmp.resolve("trap"));
    Path called = tmp.resolve("a-scheduler-was-called");
    for (String command : new String[] {"sbatch", "squeue", "sacct", "bsub", "bjobs"}) {
      Path fake = trap.resolve(command);
      Files.writeString(fake, "#!/bin/sh\necho \"$0 $*\" >> '" + called + "'\nexit 1\n");
      fake.toFile().setExecutable(true);
    }
    Path config =
        Files.writeString(
            tmp.resolve("sweep.env"),
            String.join(
                "\n",
                "EXPERIMENT_NAME=on-slurm",
                "TASKS=landslide",
                "SCHEDULER=slurm",
                "PARTITION=gpu",
                "GPUS_PER_JOB=4",
                "TRAINER=terratorch",
                "LANDSLIDE_DATASET_PATH=/data/nowhere",
                "EPOCHS=1",
                "LANDSLIDE_QUALITY_GATE=test/mIoU>=0.0",
                ""));
    Path log = tmp.resolve("demo.log");
    Path ws = tmp.resolve("ws");
    int code;
    try (AgentProcess demo =
        AgentProcess.start(
            log,
            Map.of("PATH", trap + ":" + System.getenv("PATH")),
            "demo",
            "--workspace",
            ws.toString(),
            "--config",
            config.toString())) {
      code = demo.waitFor(Duration.ofSeconds(120));
    }
    String out = Files.readString(log);
    assertEquals(0, code, out);
    assertTrue(
        out.lines()
            .anyMatch(
                l ->
                    l.equals(
                        "demo: runs on this machine with SCHEDULER=local and TRAINER=demo;"
                            + " overrode SCHEDULER=slurm, TRAINER=terratorch of the config")),
        out);
    assertTrue(out.contains("SUCCEEDED"), out);
    assertTrue(!Files.exists(called), () -> "a scheduler command ran: " + read(called));
    String committed = Files.readString(ws.resolve("researcher/config/config.env"));
    assertTrue(committed.contains("\nSCHEDULER=local\n"), committed);
    assertTrue(committed.contains("\nTRAINER=demo\n"), committed);
    assertTrue(committed.contains("\nGPUS_PER_JOB=4\n"), committed);
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (java.io.IOException e) {
      return e.toString();
    }
  }
}
