package dev.cairn.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class DemoConfigTest {
  private static DemoConfig of(String text) {
    return DemoConfig.of(text.getBytes(StandardCharsets.UTF_8));
  }

  private static String text(DemoConfig c) {
    return new String(c.content(), StandardCharsets.UTF_8);
  }

  @Test
  void of_rewritesASlurmTerratorchConfigAndNamesWhatItSaid() {
    DemoConfig c = of("# mine\nSCHEDULER=slurm\nEPOCHS=1\nTRAINER=\"terratorch\"\n");
    assertEquals("# mine\nSCHEDULER=local\nEPOCHS=1\nTRAINER=demo\n", text(c));
    assertEquals(List.of("SCHEDULER=slurm", "TRAINER=terratorch"), c.overridden());
  }

  @Test
  void of_setsKeysTheConfigLeavesToTheirDefaults() {
    DemoConfig c = of("EPOCHS=1\n");
    assertEquals("EPOCHS=1\nSCHEDULER=local\nTRAINER=demo\n", text(c));
    assertEquals(
        "demo: runs on this machine with SCHEDULER=local and TRAINER=demo; overrode SCHEDULER"
            + " (unset: its default is not local), TRAINER (unset: its default is not demo) of"
            + " the config",
        c.line());
  }

  @Test
  void of_leavesADemoConfigAsItIs() {
    DemoConfig c = of("SCHEDULER=local\nTRAINER=demo\n");
    assertEquals(List.of(), c.overridden());
    assertEquals(
        "demo: runs on this machine with SCHEDULER=local and TRAINER=demo (the config sets both)",
        c.line());
  }
}
