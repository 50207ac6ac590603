package dev.cairn.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The built cairn-bench.jar runs on its own: every bench's help, and a small hash bench. */
class BenchJarIT {
  @TempDir Path tmp;

  private String[] run(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("java", "-jar", benchJar()));
    command.addAll(List.of(args));
    Process p =
        new ProcessBuilder(command)
            .directory(tmp.toFile())
            .redirectErrorStream(true)
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(300, TimeUnit.SECONDS), String.join(" ", command));
    return new String[] {Integer.toString(p.exitValue()), out};
  }

  private static String benchJar() {
    String jar = System.getProperty("cairn.benchJar");
    assertTrue(jar != null, "set cairn.benchJar (failsafe does) to bench/target/cairn-bench.jar");
    return jar;
  }

  @ParameterizedTest
  @ValueSource(strings = {"idle", "upload", "pull", "latency", "hash", "slurm-rpc"})
  void everyBench_answersItsHelp(String bench) throws Exception {
    String[] r = run(bench, "--help");
    assertEquals("0", r[0], r[1]);
    assertTrue(r[1].contains("Usage: cairn-bench.jar " + bench), r[1]);
    assertTrue(r[1].contains("java -jar cairn-bench.jar " + bench), r[1]);
  }

  @Test
  void theJarAlone_listsTheBenches() throws Exception {
    String[] r = run("--help");
    assertEquals("0", r[0], r[1]);
    for (String bench : List.of("idle", "upload", "pull", "latency", "hash", "slurm-rpc")) {
      assertTrue(r[1].contains("  " + bench + " "), r[1]);
    }
  }

  @Test
  void hash_runsASmallPayload() throws Exception {
    String[] r = run("hash", "--files", "2", "--mib", "4");
    assertEquals("0", r[0], r[1]);
    assertTrue(r[1].contains("2 files") && r[1].contains("one core:"), r[1]);
  }
}
