package dev.cairn.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.cli.Main;
import dev.cairn.testing.SettingsFile;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One agent process per state folder: the lock {@code run} takes before it touches anything. */
class StateLockTest {
  @TempDir Path tmp;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    return Main.run(args, new PrintStream(out, true), new PrintStream(err, true));
  }

  /** Another process holding the lock as the JVM takes it (an fcntl record lock). */
  private Process holder(Path state) throws Exception {
    Files.createDirectories(state);
    Process p =
        new ProcessBuilder(
                "python3",
                "-c",
                "import fcntl, sys, time\n"
                    + "f = open(sys.argv[1], 'a')\n"
                    + "fcntl.lockf(f, fcntl.LOCK_EX)\n"
                    + "print('locked', flush=True)\n"
                    + "time.sleep(120)\n",
                state.resolve(StateLock.FILE).toString())
            .redirectErrorStream(true)
            .start();
    String line =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))
            .readLine();
    assertEquals("locked", line);
    return p;
  }

  @Test
  void runOnce_whileAnotherProcessHoldsTheStateFolder_skipsTheTickAndTouchesNothing()
      throws Exception {
    Path settings =
        SettingsFile.local(
            tmp,
            "CAIRN_REQUIRE_PROVENANCE=false",
            // a name only: no job runs, and a unit test has no bundled trainer to unpack
            "CAIRN_TRAINER_JAR=" + tmp.resolve("demo-trainer.jar"));
    Process other = holder(tmp.resolve("state"));
    try {
      assertEquals(0, run("run", "--once", "--settings", settings.toString()));
      String text = out.toString(StandardCharsets.UTF_8);
      assertTrue(text.startsWith("another agent ("), text);
      assertTrue(text.strip().endsWith("agent.lock; this tick is skipped"), text);
      assertFalse(Files.exists(tmp.resolve("state/agent-id")), "the tick ran");
    } finally {
      other.destroyForcibly();
      other.waitFor(10, TimeUnit.SECONDS);
    }
    out.reset();
    assertEquals(0, run("run", "--once", "--settings", settings.toString()));
    assertTrue(
        out.toString(StandardCharsets.UTF_8).startsWith("one tick done: "),
        out.toString(StandardCharsets.UTF_8));
  }

  @Test
  void run_whileAnotherProcessHoldsTheStateFolder_refusesWithExitTwo() throws Exception {
    Path settings =
        SettingsFile.local(
            tmp,
            "CAIRN_REQUIRE_PROVENANCE=false",
            // a name only: no job runs, and a unit test has no bundled trainer to unpack
            "CAIRN_TRAINER_JAR=" + tmp.resolve("demo-trainer.jar"));
    Process other = holder(tmp.resolve("state"));
    try {
      assertEquals(2, run("run", "--until-idle", "--settings", settings.toString()));
      String line = err.toString(StandardCharsets.UTF_8).strip();
      assertEquals(1, line.lines().count(), line);
      assertTrue(line.contains("works on CAIRN_STATE_DIR " + tmp.resolve("state")), line);
    } finally {
      other.destroyForcibly();
      other.waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void tryAcquire_isHeldUntilClosed() throws Exception {
    Path state = tmp.resolve("state");
    StateLock first = StateLock.tryAcquire(state);
    assertNotNull(first);
    assertNull(StateLock.tryAcquire(state));
    assertEquals("pid " + ProcessHandle.current().pid(), StateLock.holder(state));
    first.close();
    try (StateLock again = StateLock.tryAcquire(state)) {
      assertNotNull(again);
    }
  }
}
