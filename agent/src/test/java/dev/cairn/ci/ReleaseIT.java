package dev.cairn.ci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.testing.AgentProcess;
import dev.cairn.testing.Fixtures;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code .ci/release.sh --jar}: the built agent.jar as a versioned jar and its checksum. */
class ReleaseIT {
  @TempDir Path tmp;

  private static String[] run(Path dir, String... command) throws Exception {
    Process p =
        new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), String.join(" ", command));
    return new String[] {Integer.toString(p.exitValue()), out};
  }

  @Test
  void release_writesTheVersionedJarAndAChecksumThatSha256sumAccepts() throws Exception {
    Path dist = tmp.resolve("dist");
    String[] r =
        run(
            Fixtures.projectDir(),
            Fixtures.projectDir().resolve(".ci/release.sh").toString(),
            "--jar",
            AgentProcess.agentJar().toString(),
            "--out",
            dist.toString());
    assertEquals("0", r[0], r[1]);
    String version = run(tmp, "java", "-jar", AgentProcess.agentJar().toString(), "version")[1];
    String name = "cairn-agent-" + version.strip().substring("cairn agent ".length()) + ".jar";
    assertEquals(
        List.of(dist.resolve(name).toString(), dist.resolve(name + ".sha256").toString()),
        r[1].lines().toList());
    assertTrue(
        java.util.Arrays.equals(
            Files.readAllBytes(AgentProcess.agentJar()), Files.readAllBytes(dist.resolve(name))));
    String[] check = run(dist, "sha256sum", "-c", name + ".sha256");
    assertEquals("0", check[0], check[1]);
    assertEquals(name + ": OK", check[1].strip());
  }
}
