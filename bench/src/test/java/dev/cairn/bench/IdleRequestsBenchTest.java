package dev.cairn.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.config.AgentSettings;
import dev.cairn.store.FileObjectStore;
import dev.cairn.testing.LocalJobs;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdleRequestsBenchTest {

  @Test
  void run_idleAgentListsTheQueueOncePerTickAndAnnouncesItselfOncePerIdleInterval(@TempDir Path tmp)
      throws Exception {
    AgentSettings settings =
        IdleRequestsBench.settings(
            tmp.resolve("store").toUri().toString(),
            tmp.resolve("state"),
            Map.of("CAIRN_WORK_DIR", tmp.resolve("work").toString()));
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    try (FileObjectStore store = new FileObjectStore(tmp.resolve("store"))) {
      IdleRequestsBench.Report report =
          IdleRequestsBench.run(
              store,
              settings,
              Duration.ofMinutes(30),
              new PrintStream(captured, true, StandardCharsets.UTF_8));

      // ticks 5, 10, 20, 40 s apart, then 60 s: the announcement at the start, then every 60 s
      // from the tick at 75 s on
      assertEquals(33, report.ticks());
      assertEquals(Map.of("LIST", 33L, "PUT", 30L), report.requests());
      assertEquals(Duration.ofSeconds(60), report.maxInterval());
      assertEquals(2.0, report.steadyPerMinute(), 1e-9);
      assertTrue(report.latency().compareTo(Duration.ofSeconds(59)) >= 0, report.format());
    }
    assertTrue(captured.toString(StandardCharsets.UTF_8).contains("first job submitted"));
    // the bench cancels the jobs it submitted; let them end before the folder goes
    LocalJobs.awaitEnded(tmp, Duration.ofSeconds(15));
  }
}
