package dev.cairn.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class StatsTest {
  @Test
  void of_givesMeanSampleSdAndADeterministicIntervalAroundTheMean() {
    Stats.Summary s = Stats.of(List.of(0.80, 0.82, 0.84));
    assertEquals(0.82, s.mean(), 1e-12);
    assertEquals(0.02, s.sd(), 1e-12);
    assertEquals(3, s.n());
    assertTrue(s.low() >= 0.80 && s.low() < 0.82, "low " + s.low());
    assertTrue(s.high() <= 0.84 && s.high() > 0.82, "high " + s.high());
    assertEquals(s, Stats.of(List.of(0.80, 0.82, 0.84)), "the same values, the same interval");
  }

  @Test
  void of_oneValue_hasNoSpreadAndCannotWin() {
    Stats.Summary one = Stats.of(List.of(0.9));
    assertEquals(new Stats.Summary(0.9, 0, 1, 0.9, 0.9), one);
    assertFalse(one.separatesFrom(Stats.of(List.of(0.1))), "n=1 on both sides is never a win");
    assertNull(Stats.of(List.of()));
  }

  @Test
  void separatesFrom_onlyWhenIntervalsDoNotOverlap() {
    Stats.Summary high = Stats.of(List.of(0.90, 0.91, 0.92));
    Stats.Summary low = Stats.of(List.of(0.80, 0.81, 0.82));
    Stats.Summary noisy = Stats.of(List.of(0.70, 0.95, 0.85));
    assertTrue(high.separatesFrom(low));
    assertTrue(low.separatesFrom(high));
    assertFalse(high.separatesFrom(noisy), "a 0.005 lead inside the seed noise is no win");
  }

  @Test
  void iqm_cutsAQuarterFromEachEnd_asScipyTrimMean() {
    // trim_mean([1..8], 0.25) cuts 2 from each end: mean(3,4,5,6) = 4.5
    assertEquals(4.5, Stats.iqmOf(new double[] {8, 1, 7, 2, 6, 3, 5, 4}), 1e-12);
    assertEquals(2.0, Stats.iqmOf(new double[] {1, 2, 3}), 1e-12);
    Stats.Summary s = Stats.iqm(List.of(List.of(0.2, 0.4, 0.6), List.of(0.8, 1.0, 0.9)));
    assertEquals(Stats.iqmOf(new double[] {0.2, 0.4, 0.6, 0.8, 1.0, 0.9}), s.mean(), 1e-12);
    assertEquals(3, s.n(), "n is the repetitions per task");
    assertTrue(s.low() <= s.mean() && s.mean() <= s.high());
    assertEquals(1, Stats.iqm(List.of(List.of(0.2), List.of(0.9))).n());
  }

  @Test
  void percentile_interpolatesBetweenRanks_asNumpy() {
    assertEquals(2.5, Stats.percentile(new double[] {1, 2, 3, 4}, 50), 1e-12);
    assertEquals(1.075, Stats.percentile(new double[] {1, 2, 3, 4}, 2.5), 1e-12);
  }
}
