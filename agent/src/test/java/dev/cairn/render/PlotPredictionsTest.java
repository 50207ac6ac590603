package dev.cairn.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.cairn.testing.Fixtures;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Runs the Python tests of {@code examples/terratorch/plot_predictions.py}'s drawing half (on small
 * GeoTIFFs they write) with a python3 that has rasterio and matplotlib. Skipped where none has
 * them, except in CI ({@code CI=true}), whose setup installs Debian's python3-rasterio and
 * python3-matplotlib.
 */
class PlotPredictionsTest {
  @Test
  void plotPredictions_pythonTestsPass() throws Exception {
    String python = null;
    for (String candidate : List.of("python3", "/usr/bin/python3")) {
      Process p =
          new ProcessBuilder(candidate, "-c", "import rasterio, matplotlib, numpy")
              .redirectErrorStream(true)
              .start();
      p.getInputStream().readAllBytes();
      if (p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0) {
        python = candidate;
        break;
      }
    }
    if (python == null && "true".equals(System.getenv("CI"))) {
      throw new AssertionError(
          "CI=true but no python3 has rasterio and matplotlib; .ci/run installs them");
    }
    assumeTrue(
        python != null,
        "no python3 with rasterio and matplotlib: apt-get install python3-rasterio"
            + " python3-matplotlib");
    Path dir = Fixtures.projectDir().resolve("examples/terratorch");
    ProcessBuilder pb =
        new ProcessBuilder(
                python, "-m", "unittest", "discover", "-v", "-s", dir.toString(), "-p", "test_*.py")
            .redirectErrorStream(true);
    pb.environment().put("PYTHONDONTWRITEBYTECODE", "1");
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), out);
    assertEquals(0, p.exitValue(), out);
    assertTrue(out.contains("Ran 4 tests") && !out.contains("skipped"), out);
  }
}
