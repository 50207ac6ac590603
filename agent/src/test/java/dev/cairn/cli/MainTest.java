package dev.cairn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.CairnException;
import dev.cairn.NotFoundException;
import dev.cairn.RefusedException;
import dev.cairn.RemoteFailureException;
import dev.cairn.RunFailedException;
import dev.cairn.config.ConfigError;
import dev.cairn.testing.SettingsFile;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class MainTest {
  @TempDir Path tmp;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    return Main.run(args, new PrintStream(out, true), new PrintStream(err, true));
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"run", "demo", "render", "status", "version", "pull", "reproduce", "ci", "cancel"})
  void help_isThereForEveryCommand(String command) {
    assertEquals(0, run(command, "--help"));
    assertTrue(
        out.toString(StandardCharsets.UTF_8).contains("Usage: agent.jar " + command),
        out.toString());
  }

  @Test
  void version_printsTheVersion() {
    assertEquals(0, run("version"));
    assertTrue(out.toString(StandardCharsets.UTF_8).startsWith("cairn agent "));
  }

  @Test
  void unknownOption_isOneLineAndExitTwo() {
    assertEquals(2, run("render", "--nope"));
    assertTrue(err().startsWith("cairn: Unknown option: '--nope'"), err());
  }

  @Test
  void render_badConfig_isOneLineNamingTheKey() throws Exception {
    Path config = tmp.resolve("config.env");
    Files.writeString(config, "EXPERIMENT_NAME=x\nEPOCHS=3; rm -rf ~\n");
    assertEquals(2, run("render", "--config", config.toString()));
    assertEquals(1, err().strip().lines().count(), err());
    assertTrue(err().contains("EPOCHS='3; rm -rf ~' is not allowed"), err());
  }

  @ParameterizedTest
  @ValueSource(strings = {"before", "after"})
  void verbose_anywhereOnTheLine_addsTheStackTrace(String where) {
    String missing = tmp.resolve("nope.env").toString();
    String[] args =
        where.equals("before")
            ? new String[] {"--verbose", "render", "--config", missing}
            : new String[] {"render", "--config", missing, "--verbose"};
    assertEquals(2, run(args));
    assertTrue(err().lines().count() > 1, err());
    assertTrue(err().contains("\tat dev.cairn."), err());
  }

  @Test
  void withoutVerbose_anErrorIsOneLine() {
    assertEquals(2, run("render", "--config", tmp.resolve("nope.env").toString()));
    assertEquals(1, err().strip().lines().count(), err());
  }

  @Test
  void render_missingConfig_namesTheFix() {
    assertEquals(2, run("render", "--config", tmp.resolve("nope.env").toString()));
    assertTrue(
        err().contains("does not exist; pass --config with the path of your config.env"), err());
  }

  @Test
  void render_printsScriptsForEachTask() throws Exception {
    Path config = Fixtures.projectDir().resolve("config/config.env");
    assertEquals(
        0,
        run(
            "render",
            "--scripts",
            "--trainer-jar",
            tmp.resolve("demo-trainer.jar").toString(),
            "--config",
            config.toString(),
            "--scheduler",
            "slurm",
            "--templates",
            Fixtures.projectDir().resolve("templates").toString()));
    String text = out.toString(StandardCharsets.UTF_8);
    assertEquals(3, text.lines().filter(l -> l.startsWith("#SBATCH --job-name=")).count(), text);
  }

  /** Short alias so tests read well. */
  private static final class Fixtures {
    static Path projectDir() {
      return dev.cairn.testing.Fixtures.projectDir();
    }
  }

  @Test
  void run_refusesToStartWithProvenanceRequiredAndNoRepository(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) throws Exception {
    java.nio.file.Path settings = SettingsFile.local(tmp, "CAIRN_REQUIRE_PROVENANCE=true");
    assertEquals(2, run("run", "--once", "--settings", settings.toString()));
    String line = err().strip();
    assertEquals(1, line.lines().count(), line);
    assertTrue(line.contains("CAIRN_REQUIRE_PROVENANCE=true"), line);
    assertTrue(line.contains("CAIRN_REPO_REMOTE is empty"), line);
    assertTrue(line.contains("set CAIRN_REPO_REMOTE"), line);
  }

  @Test
  void noArguments_withoutSettings_pointsAtDemoRunAndHelp() {
    assertEquals(2, run());
    assertEquals("cairn: " + RunCommand.NO_SETTINGS, err().strip());
    assertTrue(err().contains("`java -jar agent.jar demo`"), err());
    assertTrue(err().contains("run --settings agent.env"), err());
    assertTrue(err().contains("--help"), err());
  }

  @Test
  void settings_missingFile_saysItDoesNotExist() {
    Path missing = tmp.resolve("agent.env");
    assertEquals(2, run("status", "--settings", missing.toString()));
    assertTrue(
        err().strip().startsWith("cairn: the agent settings file " + missing + " does not exist;"),
        err());
  }

  @ParameterizedTest
  @ValueSource(strings = {"pull", "reproduce"})
  void outsideAGitClone_isOneLineAndExitTwo(String command) throws Exception {
    Path nowhere = Files.createDirectories(tmp.resolve("not-a-clone"));
    String[] args =
        command.equals("pull")
            ? new String[] {"pull", "--repo", nowhere.toString()}
            : new String[] {"reproduce", "abc1234", "--repo", nowhere.toString()};
    assertEquals(2, run(args));
    assertEquals(1, err().strip().lines().count(), err());
    assertTrue(
        err()
            .startsWith(
                "cairn: "
                    + nowhere.toAbsolutePath().normalize()
                    + " is not in a Git clone; run it in a clone"),
        err());
  }

  @Test
  void notFound_isExitTwo() throws Exception {
    Path settings = tmp.resolve("agent.env");
    Files.writeString(
        settings, "CAIRN_STORE=" + Files.createDirectories(tmp.resolve("store")).toUri() + "\n");
    assertEquals(2, run("status", "abcdef12", "--settings", settings.toString()));
    assertTrue(err().startsWith("cairn: no run for abcdef12"), err());
    assertEquals(1, err().strip().lines().count(), err());
  }

  @Test
  void aRunNeverPickedUp_isExitOne() throws Exception {
    Path settings = tmp.resolve("agent.env");
    Files.writeString(
        settings, "CAIRN_STORE=" + Files.createDirectories(tmp.resolve("store")).toUri() + "\n");
    int code =
        run(
            "ci",
            "await",
            "--commit",
            "ab".repeat(20),
            "--timeout",
            "1s",
            "--settings",
            settings.toString(),
            "--junit",
            tmp.resolve("junit.xml").toString(),
            "--dotenv",
            tmp.resolve("cairn.env").toString(),
            "--submit-env",
            tmp.resolve("none.env").toString(),
            "--report-dir",
            tmp.resolve("report").toString(),
            "--metrics",
            tmp.resolve("metrics.txt").toString());
    assertEquals(1, code, err());
    assertTrue(err().contains("never picked up by an agent"), err());
  }

  static Stream<Arguments> problems() {
    return Stream.of(
        Arguments.of(new RunFailedException("run x FAILED: boom"), 1),
        Arguments.of(new RemoteFailureException("object k is corrupt"), 1),
        Arguments.of(new IllegalStateException("a bug"), 1),
        Arguments.of(new InterruptedException(), 1),
        Arguments.of(new CairnException("KEY=value is not a number; use 3"), 2),
        Arguments.of(
            new ConfigError("config.env", java.util.List.of("EPOCHS=x is not a number")), 2),
        Arguments.of(new NotFoundException("no run for abc"), 2),
        Arguments.of(new RefusedException("another agent holds the state"), 2));
  }

  @ParameterizedTest
  @MethodSource("problems")
  void exitCode_isChosenHereByTheKindOfProblem(Throwable problem, int expected) {
    assertEquals(expected, Main.exitCode(problem), problem.toString());
  }
}
