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
          " -Xmx",
          " run --settings %h/.config/cairn/agent.env"
        }) {
      assertTrue(unit.contains(line), "the unit lacks " + line);
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
    pb.environment().put("HOME", Files.createDirectory(tmp.resolve("home")).toString());
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
