package dev.cairn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.testing.Fixtures;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * README's quick start, word for word, on a fresh clone of this repository's HEAD: its first
 * command builds the jar and runs the demo to SUCCEEDED.
 */
class QuickStartIT {
  @TempDir Path tmp;

  private static String[] sh(Path dir, long seconds, String... command) throws Exception {
    ProcessBuilder pb =
        new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
    pb.environment().keySet().removeIf(k -> k.startsWith("CAIRN_"));
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(seconds, TimeUnit.SECONDS), String.join(" ", command) + "\n" + out);
    return new String[] {Integer.toString(p.exitValue()), out};
  }

  /** The first command of README's quick start (its first bash block), without its comment. */
  static String firstCommand() throws Exception {
    String readme = Files.readString(Fixtures.projectDir().resolve("README.md"));
    String quickStart = readme.substring(readme.indexOf("\n## Quick start\n"));
    Matcher m = Pattern.compile("```bash\\n(.*?)\\n```", Pattern.DOTALL).matcher(quickStart);
    assertTrue(m.find(), "README's quick start has no bash block");
    List<String> lines = m.group(1).lines().toList();
    assertEquals(1, lines.size(), m.group(1));
    return lines.get(0).replaceFirst("\\s+#.*$", "");
  }

  @Test
  void readmeQuickStart_onAFreshClone_runsTheDemoToSucceeded() throws Exception {
    String command = firstCommand();
    assertEquals("mvn -q -DskipTests package && java -jar agent/target/agent.jar demo", command);
    Path clone = tmp.resolve("cairn");
    String[] cloned =
        sh(tmp, 120, "git", "clone", "-q", Fixtures.projectDir().toString(), clone.toString());
    assertEquals("0", cloned[0], cloned[1]);
    String[] r = sh(clone, 900, "bash", "-c", command);
    assertEquals("0", r[0], r[1]);
    assertTrue(r[1].lines().anyMatch(l -> l.startsWith("run ") && l.endsWith(": SUCCEEDED")), r[1]);
  }
}
