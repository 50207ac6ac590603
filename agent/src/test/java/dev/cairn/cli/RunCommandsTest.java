package dev.cairn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.Json;
import dev.cairn.model.StoreKeys;
import dev.cairn.store.FileObjectStore;
import dev.cairn.testing.SettingsFile;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/** status, cancel and logs as an operator types them: run ids and short commits. */
class RunCommandsTest {
  static final String ACTIVE = "74e2f8e9aa11bb22cc33dd44ee55ff6677889900";
  static final String ENDED = "74e2f111aa11bb22cc33dd44ee55ff6677889900";
  static final String OTHER = "0badc0deaa11bb22cc33dd44ee55ff6677889900";

  @TempDir Path tmp;
  private FileObjectStore store;
  private Path settings;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  @BeforeEach
  void setUp() throws Exception {
    store = new FileObjectStore(tmp.resolve("store"));
    settings = SettingsFile.local(tmp);
    status(ACTIVE, "20261201-exp-74e2f8e9aa11-a1", 1, "RUNNING", "COMPLETED", "RUNNING");
    status(ENDED, "20261130-exp-74e2f111aa11-a1", 1, "SUCCEEDED", "COMPLETED", "COMPLETED");
    status(OTHER, "20261129-exp-0badc0deaa11-a2", 2, "FAILED", "FAILED");
  }

  private void status(String commit, String runId, int attempt, String state, String... jobs)
      throws Exception {
    List<String> js = new ArrayList<>();
    for (int i = 0; i < jobs.length; i++) {
      js.add(
          "{\"task\": \"task"
              + i
              + "\", \"state\": \""
              + jobs[i]
              + "\", \"attempts\": 1, \"history\": []}");
    }
    store.put(
        StoreKeys.statusKey(commit),
        ("{\"schema\": 1, \"commit\": \""
                + commit
                + "\", \"run_id\": \""
                + runId
                + "\", \"attempt\": "
                + attempt
                + ", \"state\": \""
                + state
                + "\", \"message\": \"m\", \"updated_at\": \""
                + Instant.now().minusSeconds(300)
                + "\", \"jobs\": ["
                + String.join(",", js)
                + "]}")
            .getBytes(StandardCharsets.UTF_8));
  }

  private int run(String... args) {
    out.reset();
    err.reset();
    List<String> all = new ArrayList<>(List.of(args));
    all.add("--settings");
    all.add(settings.toString());
    return Main.run(
        all.toArray(String[]::new), new PrintStream(out, true), new PrintStream(err, true));
  }

  private String out() {
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void status_withoutARun_listsActiveRunsFirst() {
    assertEquals(0, run("status"));
    List<String> lines = out().lines().toList();
    assertEquals("1 active run(s), 2 ended", lines.get(0), out());
    assertTrue(lines.get(1).contains("run") && lines.get(1).contains("progress"), out());
    assertTrue(
        lines.get(2).contains("20261201-exp-74e2f8e9aa11-a1") && lines.get(2).contains("RUNNING"),
        out());
    assertTrue(lines.get(2).contains("1/2 jobs ended") && lines.get(2).contains("5 min"), out());
    assertEquals(5, lines.size(), out());
  }

  @Test
  void status_showsAnAttemptThatWaitsForAnAgent() throws Exception {
    // reproduce (or ci submit --rerun) queued attempt 2 of the ended run; no agent took it yet
    store.put("queue/20261207T020000.000Z-" + ENDED + "-a2", "{}".getBytes(StandardCharsets.UTF_8));
    store.put("queue/20261130T020000.000Z-" + ENDED + "-a1", "{}".getBytes(StandardCharsets.UTF_8));
    String waits =
        "attempt 2 of commit 74e2f111 (queued 20261207T020000.000Z) waits for an agent to take"
            + " it; is `agent.jar run` running on this CAIRN_STORE?";
    assertEquals(0, run("status", "74e2f111"));
    assertTrue(out().startsWith("run 20261130-exp-74e2f111aa11-a1 (commit 74e2f111): SUCCEEDED"));
    assertEquals(waits, out().strip().lines().reduce((a, b) -> b).orElseThrow(), out());
    assertEquals(0, run("status"));
    assertEquals(1, out().lines().filter(waits::equals).count(), out());
    assertEquals(0, run("status", "74e2f8e9"));
    assertTrue(!out().contains("waits for an agent"), out());
  }

  @Test
  void status_takesAShortCommitOrARunId() {
    assertEquals(0, run("status", "74e2f8e9"));
    assertTrue(
        out().startsWith("run 20261201-exp-74e2f8e9aa11-a1 (commit 74e2f8e9): RUNNING"), out());
    assertEquals(1, run("status", "20261129-exp-0badc0deaa11-a2"));
    assertTrue(
        out().startsWith("run 20261129-exp-0badc0deaa11-a2 (commit 0badc0de): FAILED"), out());
    assertEquals(0, run("status", ACTIVE, "--json"));
    assertTrue(out().contains("\"run_id\": \"20261201-exp-74e2f8e9aa11-a1\""), out());
  }

  @Test
  void status_anAmbiguousPrefix_asksForMore() {
    assertEquals(2, run("status", "74e2f"));
    assertEquals(
        "cairn: 74e2f matches 2 commits (" + ENDED + ", " + ACTIVE + "); give more of the sha",
        err.toString(StandardCharsets.UTF_8).strip());
  }

  @Test
  void cancel_ofAnEndedRun_saysSoAndLeavesNoRequest() throws Exception {
    assertEquals(0, run("cancel", "74e2f111"));
    assertEquals(
        "run 20261130-exp-74e2f111aa11-a1 (commit "
            + ENDED
            + ") already ended SUCCEEDED; nothing to cancel",
        out().strip());
    assertFalse(store.exists(StoreKeys.cancelKey(ENDED)));
  }

  @Test
  void cancel_ofAnActiveRun_byShortCommit_namesTheAttempt() throws Exception {
    assertEquals(0, run("cancel", "74e2f8e9", "--reason", "wrong data"));
    assertTrue(out().startsWith("asked the agent to cancel attempt 1 of commit " + ACTIVE), out());
    JsonNode request =
        Json.MAPPER.readTree(store.get(StoreKeys.cancelKey(ACTIVE)).orElseThrow().content());
    assertEquals(1, request.get("attempt").asInt());
    assertEquals("wrong data", request.get("reason").asText());
  }

  @Test
  void logs_printsTheTailOfATasksOutAndErr() throws Exception {
    Path run = tmp.resolve("state/work/runs/" + ACTIVE + "-a1");
    Files.createDirectories(run.resolve("out"));
    Files.createDirectories(run.resolve("err"));
    StringBuilder lines = new StringBuilder();
    for (int i = 1; i <= 50; i++) {
      lines.append("epoch ").append(i).append('\n');
    }
    Files.writeString(run.resolve("out/task0.out"), lines);
    Files.writeString(run.resolve("err/task0.err"), "warning: slow disk\n");
    Files.writeString(run.resolve("out/task1.out"), "other\n");
    assertEquals(0, run("logs", "74e2f8e9", "task0", "--lines", "3"));
    assertEquals(
        String.join(
            "\n",
            "==> " + run.resolve("out/task0.out") + " <==",
            "epoch 48",
            "epoch 49",
            "epoch 50",
            "",
            "==> " + run.resolve("err/task0.err") + " <==",
            "warning: slow disk"),
        out().strip());
    assertEquals(0, run("logs", "20261201-exp-74e2f8e9aa11-a1"));
    assertTrue(out().contains("task1.out"), out());
  }

  @Test
  void runOnce_printsWhatTheTickLeft() throws Exception {
    Path trainer = Files.writeString(tmp.resolve("trainer.jar"), "unused");
    Files.writeString(
        settings,
        Files.readString(settings)
            + "CAIRN_TRAINER_JAR="
            + trainer
            + "\nCAIRN_REQUIRE_PROVENANCE=false\n");
    assertEquals(0, run("run", "--once"), err.toString(StandardCharsets.UTF_8));
    assertEquals("one tick done: 0 run(s) on record, 0 active", out().strip());
  }

  @Test
  void help_summarisesEveryCommandInAWholeSentence() {
    assertEquals(
        0,
        Main.run(new String[] {"--help"}, new PrintStream(out, true), new PrintStream(err, true)));
    String help = out();
    String commands = help.substring(help.indexOf("Commands:") + "Commands:".length());
    List<String> entries = new ArrayList<>();
    for (String line : commands.lines().toList()) {
      if (line.isBlank() && !entries.isEmpty()) {
        break;
      }
      if (line.startsWith("  ") && !line.startsWith("    ")) {
        entries.add(line.strip());
      } else if (!entries.isEmpty()) {
        entries.set(entries.size() - 1, entries.get(entries.size() - 1) + " " + line.strip());
      }
    }
    assertTrue(entries.size() >= 10, help);
    for (String entry : entries) {
      assertTrue(entry.endsWith("."), "cut short: '" + entry + "'\n" + help);
    }
  }

  @Test
  void help_describesEveryOption() {
    List<String> missing = new ArrayList<>();
    describe(new CommandLine(new Main()).getCommandSpec(), missing);
    assertEquals(List.of(), missing);
  }

  private static void describe(CommandSpec spec, List<String> missing) {
    for (OptionSpec o : spec.options()) {
      if (o.description().length == 0 || String.join("", o.description()).isBlank()) {
        missing.add(spec.qualifiedName() + " " + o.longestName());
      }
    }
    spec.subcommands().values().forEach(c -> describe(c.getCommandSpec(), missing));
  }
}
