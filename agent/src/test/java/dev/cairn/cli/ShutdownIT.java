package dev.cairn.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.testing.AgentProcess;
import dev.cairn.testing.SettingsFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The daemon stops cleanly on SIGTERM, as systemd or a Ctrl-C stops it. */
class ShutdownIT {
  @TempDir Path tmp;

  @Test
  void sigterm_stopsTheDaemonCleanly() throws Exception {
    Path settings = SettingsFile.local(tmp, "CAIRN_REQUIRE_PROVENANCE=false");
    Path log = tmp.resolve("agent.log");
    try (AgentProcess agent =
        AgentProcess.start(log, Map.of(), "run", "--settings", settings.toString())) {
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (!Files.readString(log).contains("agent watching")) {
        assertTrue(System.nanoTime() < deadline, Files.readString(log));
        Thread.sleep(100);
      }
      // well within the shutdown hook's 30 s wait: the loop ends at once, nothing hangs
      agent.terminate(Duration.ofSeconds(15));
    }
    assertTrue(
        Files.readString(log).contains("agent stopped; runs resume on the next start"),
        Files.readString(log));
  }
}
