package dev.cairn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.Json;
import dev.cairn.testing.AgentProcess;
import dev.cairn.testing.SettingsFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `--log-json` makes every log line (stderr) one JSON object. */
class LogJsonIT {
  @TempDir Path tmp;

  @Test
  void logJson_writesOneJsonObjectPerLine() throws Exception {
    Path settings = SettingsFile.local(tmp, "CAIRN_REQUIRE_PROVENANCE=false");
    Path log = tmp.resolve("agent.log");
    Path output = tmp.resolve("agent.out");
    try (AgentProcess agent =
        AgentProcess.startApart(
            log,
            output,
            Map.of(),
            "run",
            "--once",
            "--log-json",
            "--settings",
            settings.toString())) {
      assertEquals(0, agent.waitFor(Duration.ofSeconds(60)), Files.readString(log));
    }
    List<String> lines = Files.readAllLines(log);
    assertTrue(!lines.isEmpty(), "the agent logged nothing");
    for (String line : lines) {
      JsonNode node = Json.MAPPER.readTree(line);
      assertTrue(node.has("level") && node.has("message"), line);
    }
    assertTrue(
        lines.stream().anyMatch(l -> l.contains("CAIRN_REPO_REMOTE is not set")), lines.toString());
    // what the command prints for a person stays out of the log
    assertTrue(Files.readString(output).startsWith("one tick done:"), Files.readString(output));
  }
}
