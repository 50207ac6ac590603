package dev.cairn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.testing.AgentProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * render's defaults are the agent's: the scripts of a demo config call a demo trainer that exists
 * (put at ~/.cairn/demo-trainer.jar from agent.jar, as the agent does) and name ~/.cairn/work.
 */
class RenderDemoTrainerIT {
  @TempDir Path tmp;

  @Test
  void render_demoScriptsCallADemoTrainerThatExists_andTheAgentsWorkDir() throws Exception {
    Path home = Files.createDirectories(tmp.resolve("home"));
    Path config = Files.writeString(tmp.resolve("demo.env"), "TRAINER=demo\nSCHEDULER=local\n");
    Path dir = tmp.resolve("scripts");
    Path log = tmp.resolve("render.log");
    try (AgentProcess render =
        AgentProcess.start(
            log,
            Map.of("JAVA_TOOL_OPTIONS", "-Duser.home=" + home),
            "render",
            "--config",
            config.toString(),
            "--out",
            dir.toString())) {
      assertEquals(0, render.waitFor(Duration.ofSeconds(120)), Files.readString(log));
    }
    Path jar = home.resolve(".cairn/demo-trainer.jar");
    assertTrue(Files.size(jar) > 0, "no demo trainer at " + jar);
    String script = Files.readString(dir.resolve("landslide.local.sh"));
    assertTrue(script.contains(jar.toString()), script);
    assertTrue(script.contains(home.resolve(".cairn/work/runs").toString()), script);
  }
}
