package dev.cairn.early;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class SavingsTest {
  @Test
  void estimate_isTheEpochsNotRunTimesTheMeanSecondsPerEpoch() {
    Savings.Estimate e =
        Savings.estimate(
            List.of(
                new Savings.Effort(27, 27, 2700, false),
                new Savings.Effort(27, 3, 300, true),
                new Savings.Effort(27, 1, 100, true),
                new Savings.Effort(27, 9, 1100, false))); // failed at epoch 9: nothing saved
    assertEquals(4200.0 / 40, e.secondsPerEpoch(), 1e-9);
    assertEquals(24 + 26, e.epochsNotRun());
    assertEquals(50 * 105.0, e.secondsSaved(), 1e-9);
    assertEquals(50 * 105.0 / 3600, e.hoursSaved(), 1e-9);
    assertEquals(4200 + 5250.0, e.fullGridSeconds(), 1e-9);
    assertEquals(4200 / 9450.0, e.spentShare(), 1e-9);
  }

  @Test
  void estimate_beforeAnyEpochSavesNothing() {
    Savings.Estimate e = Savings.estimate(List.of(new Savings.Effort(10, 0, 0, true)));
    assertEquals(0, e.secondsSaved());
    assertEquals(1, e.spentShare());
  }
}
