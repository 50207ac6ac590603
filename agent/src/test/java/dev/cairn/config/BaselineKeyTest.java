package dev.cairn.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.testing.Fixtures;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** BASELINE: the optional key naming the run a run's report compares with. */
class BaselineKeyTest {
  private static ExperimentConfig parse(String text) {
    return ExperimentConfig.parse(
        text.getBytes(StandardCharsets.UTF_8), "config.env", Fixtures.tasks());
  }

  @Test
  void baseline_isOptionalAndTakesARunIdOrCommit() {
    assertEquals("", parse("EXPERIMENT_NAME=x\nTRAINER=demo\n").values().get("BASELINE"));
    assertEquals(
        "20261125-prithvi-eo-v2-300-demo-74e2f8e9",
        parse(
                "EXPERIMENT_NAME=x\nTRAINER=demo\nBASELINE=20261125-prithvi-eo-v2-300-demo-74e2f8e9\n")
            .values()
            .get("BASELINE"));
    assertEquals(
        "74e2f8e9",
        parse("EXPERIMENT_NAME=x\nTRAINER=demo\nBASELINE=74e2f8e9\n").values().get("BASELINE"));
  }

  @Test
  void baseline_rejectsWhatIsNotARunIdOrCommit() {
    ConfigError e =
        assertThrows(
            ConfigError.class, () -> parse("EXPERIMENT_NAME=x\nTRAINER=demo\nBASELINE=$(id)\n"));
    assertTrue(
        e.getMessage().contains("BASELINE='$(id)' is not allowed: use a run id or a commit sha"),
        e.getMessage());
  }
}
