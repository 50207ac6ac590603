package dev.cairn.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.testing.Fixtures;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code config/cairn-agent.service}, the systemd user unit README tells operators to install. */
class ServiceUnitTest {
  @TempDir Path tmp;

  private static Path unit() {
    return Fixtures.projectDir().resolve("config/cairn-agent.service");
  }

  @Test
  void unit_restartsOnFailure_capsMemory_andReadsTheSettingsFile() throws IOException {
    String unit = Files.readString(unit());
    for (String line :
        new String[] {
          "Restart=on-failure",
          "MemoryMax=",
          "StandardOutput=journal",
          "WantedBy=default.target",
          "EnvironmentFile=-%h/.config/cairn/service.env",
          "ExecStart=%h/.local/lib/cairn/cairn-agent run --settings %h/.config/cairn/agent.env"
        }) {
      assertTrue(unit.contains(line), "the unit lacks " + line);
    }
  }

  @Test
  void unit_startsJavaThroughTheWrapper_neverAFixedJava() throws IOException {
    String unit = Files.readString(unit());
    assertTrue(unit.lines().noneMatch(l -> l.startsWith("ExecStart=/usr/bin/env java")), unit);
    String example = Files.readString(Fixtures.projectDir().resolve("config/service.env.example"));
    for (String key : new String[] {"CAIRN_JAVA=", "CAIRN_MODULES=", "LSF_ENVDIR="}) {
      assertTrue(example.lines().anyMatch(l -> l.startsWith(key)), key);
    }
  }

  @Test
  void unit_passesSystemdAnalyzeVerify() throws Exception {
    Path analyze = Path.of("/usr/bin/systemd-analyze");
    if (!Files.isExecutable(analyze)) {
      String why = "systemd-analyze is not installed (apt-get install -y systemd)";
      if ("true".equals(System.getenv("CI"))) {
        Assertions.fail(why);
      }
      System.err.println("NOTICE: skipping the systemd unit check. " + why);
      Assumptions.abort(why);
    }
    // a user manager's runtime folder, as a login session has; %h is this HOME
    Path runtime =
        Files.createDirectory(
            tmp.resolve("runtime"),
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    ProcessBuilder pb =
        new ProcessBuilder(analyze.toString(), "verify", "--user", unit().toString())
            .redirectErrorStream(true);
    pb.environment().put("XDG_RUNTIME_DIR", runtime.toString());
    Path home = Files.createDirectory(tmp.resolve("home"));
    // installed as the unit's comment says: the wrapper beside agent.jar
    Path lib = Files.createDirectories(home.resolve(".local/lib/cairn"));
    Files.copy(
        Fixtures.projectDir().resolve("config/cairn-agent"),
        lib.resolve("cairn-agent"),
        java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
    pb.environment().put("HOME", home.toString());
    Process p = pb.start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "systemd-analyze did not end");
    assertEquals(0, p.exitValue(), output);
    // verify exits 0 on unknown keys and bad values too; it names the unit file in each warning
    assertTrue(
        output.lines().noneMatch(l -> l.contains("cairn-agent.service")),
        "systemd-analyze verify warned:\n" + output);
  }
}
