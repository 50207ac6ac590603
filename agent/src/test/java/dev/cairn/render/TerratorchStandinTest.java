package dev.cairn.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.testing.Fixtures;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the stand-in's own self-test ({@code agent/src/test/terratorch-standin/test_standin.py}):
 * each rejection the TerraTorch contract table asks for (unknown key exits 2, unknown band is a
 * KeyError, channel mismatch, unlogged monitor, neck index past the depth, version gating of a
 * backbone and of Boundary_mIoU, predict's int16 default), the training emulation, and that every
 * row of the contract tables in {@code examples/terratorch/contract/} cites its upstream file and
 * tag.
 */
final class TerratorchStandinTest {
  @TempDir Path tmp;

  @Test
  void standinEnforcesTheContractTable() throws Exception {
    Path standin = Fixtures.projectDir().resolve("agent/src/test/terratorch-standin");
    Path log = tmp.resolve("unittest.log");
    Process process =
        new ProcessBuilder(
                "python3",
                "-m",
                "unittest",
                "discover",
                "-s",
                standin.toString(),
                "-p",
                "test_standin.py")
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    assertTrue(process.waitFor(10, TimeUnit.MINUTES), "the stand-in self-test did not finish");
    String output = Files.readString(log, StandardCharsets.UTF_8);
    assertEquals(0, process.exitValue(), output);
    assertTrue(output.contains("OK"), output);
  }
}
