package dev.cairn.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ScaleBenchTest {

  @Test
  void config_replacesTheDemosSeedLineSoTheRequestIsNotRejected() throws IOException {
    String config =
        new String(
            ScaleBench.config("SEED=0,1,2\nLEARNING_RATE=1e-4,2e-4\n"), StandardCharsets.UTF_8);
    assertEquals(
        1, config.lines().filter(l -> l.startsWith("SEED=")).count(), "one SEED line: " + config);
    assertEquals(1, config.lines().filter(l -> l.equals("SEED=0,1,2")).count());
    assertEquals(1, config.lines().filter(l -> l.equals("SCHEDULER=slurm")).count());
  }
}
