package dev.cairn.early;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.model.RungDecision;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** Properties of the engine over random sweeps whose curves grow tick by tick. */
class AshaPropertyTest {
  private static final Instant T0 = Instant.parse("2026-12-07T06:00:00Z");

  /** Random curves: some values NaN, trials of different lengths and speeds. */
  private static List<TrialCurve> sweep(long seed, int trials, int tick) {
    Random r = new Random(seed);
    List<TrialCurve> result = new ArrayList<>();
    for (int t = 0; t < trials; t++) {
      int epochs = 2 + r.nextInt(30);
      int speed = 1 + r.nextInt(3);
      int start = r.nextInt(5);
      int done = Math.min(epochs, Math.max(0, (tick - start) / speed));
      TreeMap<Integer, Double> values = new TreeMap<>();
      for (int e = 1; e <= epochs; e++) {
        double v = r.nextInt(10) == 0 ? Double.NaN : r.nextInt(20) / 20.0; // ties are frequent
        if (e <= done) {
          values.put(e, v);
        }
      }
      result.add(new TrialCurve("t" + t, done < epochs, epochs, values));
    }
    return result;
  }

  @Property(tries = 300)
  void decide_isIdempotentAndDecidesEachTrialAndRungOnce(
      @ForAll long seed,
      @ForAll @IntRange(min = 1, max = 12) int trials,
      @ForAll @IntRange(min = 1, max = 4) int minEpochs,
      @ForAll @IntRange(min = 2, max = 4) int eta,
      @ForAll boolean higher) {
    Policy policy = new Policy("val/x", higher, minEpochs, eta);
    List<RungDecision> record = new ArrayList<>();
    Set<String> stopped = new HashSet<>();
    for (int tick = 0; tick < 120; tick++) {
      List<TrialCurve> now = sweep(seed, trials, tick);
      List<RungDecision> made = Asha.decide(policy, now, record, T0.plusSeconds(tick));
      for (RungDecision d : made) {
        assertTrue(!stopped.contains(d.trialId()), "decided after its stop: " + d);
        assertTrue(
            record.stream().noneMatch(o -> o.trialId().equals(d.trialId()) && o.rung() == d.rung()),
            "decided twice: " + d);
        if (d.stops()) {
          stopped.add(d.trialId());
        }
      }
      record.addAll(made);
      assertEquals(List.of(), Asha.decide(policy, now, record, T0.plusSeconds(tick)));
      List<TrialCurve> shuffled = new ArrayList<>(now);
      Collections.shuffle(shuffled, new Random(seed + tick));
      List<RungDecision> before = new ArrayList<>(record);
      before.removeAll(made);
      assertEquals(made, Asha.decide(policy, shuffled, before, T0.plusSeconds(tick)));
    }
  }
}
