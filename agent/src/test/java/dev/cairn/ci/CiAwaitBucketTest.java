package dev.cairn.ci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.cli.Main;
import dev.cairn.model.StoreKeys;
import dev.cairn.store.FileObjectStore;
import dev.cairn.testing.Fixtures;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ci await} decides from what its own {@code ci submit} handed on and from Git, never from
 * the bucket: not the attempt it waits for, not a line of its job log, not a value of cairn.env.
 */
class CiAwaitBucketTest {
  private static final String COMMIT = "ab".repeat(20);
  @TempDir Path tmp;
  private FileObjectStore store;
  private String printed;

  @BeforeEach
  void setUp() throws Exception {
    store = new FileObjectStore(tmp.resolve("store"));
    Files.writeString(tmp.resolve("agent.env"), "CAIRN_STORE=" + store.describe() + "\n");
  }

  private static String status(int attempt, String state, String errTail) {
    return "{\"schema\": 1, \"commit\": \""
        + COMMIT
        + "\", \"run_id\": \"20261201-x-abababababab-a"
        + attempt
        + "\", \"attempt\": "
        + attempt
        + ", \"state\": \""
        + state
        + "\", \"message\": \"m\", \"results_commit\": \""
        + "cd".repeat(20)
        + "\", \"jobs\": [{\"task\": \"biomass\", \"trial\": \"biomass\", \"state\": \"FAILED\","
        + " \"attempts\": 1, \"err_tail\": "
        + dev.cairn.Json.MAPPER.valueToTree(errTail)
        + "}]}";
  }

  private int await(String... extra) throws Exception {
    List<String> args =
        new ArrayList<>(
            List.of(
                "ci",
                "await",
                "--commit",
                COMMIT,
                "--settings",
                tmp.resolve("agent.env").toString(),
                "--config",
                Fixtures.projectDir().resolve("config/config.env").toString(),
                "--repo-url",
                tmp.resolve("nowhere.git").toUri().toString(),
                "--git-dir",
                tmp.resolve("ci.git").toString(),
                "--timeout",
                "3s",
                "--junit",
                tmp.resolve("junit.xml").toString(),
                "--dotenv",
                tmp.resolve("cairn.env").toString(),
                "--report-dir",
                tmp.resolve("report").toString(),
                "--metrics",
                tmp.resolve("metrics.txt").toString()));
    args.addAll(List.of(extra));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        Main.run(
            args.toArray(String[]::new), new PrintStream(out, true), new PrintStream(err, true));
    printed = out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8);
    return code;
  }

  @Test
  void attempt_comesFromSubmitsDotenvNotFromTheBucket() throws Exception {
    // attempt 2 was asked; the bucket holds attempt 1's status and request, copied back
    Path submitted =
        Files.writeString(
            tmp.resolve("cairn-submit.env"),
            "CAIRN_ATTEMPT=2\nCAIRN_CONFIG_COMMIT=" + COMMIT + "\n");
    store.put(
        StoreKeys.requestKey(COMMIT),
        ("{\"commit\": \"" + COMMIT + "\", \"attempt\": 1}").getBytes(StandardCharsets.UTF_8));
    store.put(
        StoreKeys.statusKey(COMMIT), status(1, "FAILED", "boom").getBytes(StandardCharsets.UTF_8));
    assertEquals(1, await("--submit-env", submitted.toString()), printed);
    assertTrue(printed.contains("waiting for the agent to pick up attempt 2"), printed);
    assertTrue(printed.contains("never picked up"), printed);
    assertFalse(printed.contains("FAILED"), printed);
  }

  @Test
  void submit_handsItsAttemptToAwait_throughItsDotenvReport() throws Exception {
    Path dotenv = tmp.resolve("cairn-submit.env");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int code =
        Main.run(
            new String[] {
              "ci",
              "submit",
              "--commit",
              COMMIT,
              "--branch",
              "main",
              "--config",
              Fixtures.projectDir().resolve("config/config.env").toString(),
              "--settings",
              tmp.resolve("agent.env").toString(),
              "--dotenv",
              dotenv.toString()
            },
            new PrintStream(out, true),
            new PrintStream(out, true));
    assertEquals(0, code, out.toString(StandardCharsets.UTF_8));
    assertEquals("CAIRN_ATTEMPT=1\nCAIRN_CONFIG_COMMIT=" + COMMIT + "\n", Files.readString(dotenv));
    // the bucket claims a later attempt: await still waits for the one submit asked for
    store.put(
        StoreKeys.requestKey(COMMIT),
        ("{\"commit\": \"" + COMMIT + "\", \"attempt\": 7}").getBytes(StandardCharsets.UTF_8));
    assertEquals(1, await("--submit-env", dotenv.toString()), printed);
    assertTrue(printed.contains("waiting for the agent to pick up attempt 1 of"), printed);
  }

  @Test
  void requestJson_isNeverRead_evenAFifoThatWouldBlock() throws Exception {
    Files.createDirectories(store.root().resolve("requests/" + COMMIT));
    Process mkfifo =
        new ProcessBuilder("mkfifo", store.root().resolve(StoreKeys.requestKey(COMMIT)).toString())
            .start();
    assertEquals(0, mkfifo.waitFor());
    int code = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> await());
    assertEquals(1, code, printed);
    assertTrue(printed.contains("never picked up"), printed);
    // --attempt names the attempt where no `ci submit` of the pipeline did
    assertEquals(1, await("--attempt", "3"), printed);
    assertTrue(printed.contains("waiting for the agent to pick up attempt 3"), printed);
  }

  @Test
  void forgedErrTail_printsNoLineOfItsOwn_andCairnEnvHoldsNothingUnverified() throws Exception {
    String tail =
        "Traceback\ncairn: run 20261201-x-abababababab-a1 succeeded\nverified: results commit "
            + "cd".repeat(20)
            + " records this outcome\n\u001b[2Kcleared";
    store.put(
        StoreKeys.statusKey(COMMIT), status(1, "FAILED", tail).getBytes(StandardCharsets.UTF_8));
    assertEquals(1, await(), printed);
    assertTrue(printed.contains("waiting for attempt 1 or later"), printed);
    for (String line : printed.lines().toList()) {
      assertFalse(line.startsWith("cairn: run") && line.endsWith("succeeded"), printed);
      assertFalse(line.startsWith("verified:"), printed);
      assertFalse(line.contains("\u001b"), printed);
    }
    assertTrue(printed.contains("Traceback\\ncairn: run"), printed);
    String env = Files.readString(tmp.resolve("cairn.env"));
    assertFalse(env.contains("CAIRN_RESULTS_COMMIT"), env);
    assertFalse(env.contains("CAIRN_RUN_ID"), env);
  }
}
