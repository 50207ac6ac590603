package dev.cairn.early;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.model.RungDecision;
import dev.cairn.model.Verdict;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class AshaTest {
  private static final Instant T0 = Instant.parse("2026-12-07T06:00:00Z");
  private static final Policy MAX = new Policy("val/mIoU", true, 1, 3);
  private static final Policy MIN = new Policy("val/RMSE", false, 1, 3);

  /** A trial with a value after each of the first {@code values.length} epochs. */
  static TrialCurve trial(String id, boolean running, int epochs, double... values) {
    TreeMap<Integer, Double> m = new TreeMap<>();
    for (int i = 0; i < values.length; i++) {
      m.put(i + 1, values[i]);
    }
    return new TrialCurve(id, running, epochs, m);
  }

  private static Map<String, Verdict> verdicts(List<RungDecision> ds) {
    Map<String, Verdict> m = new TreeMap<>();
    ds.forEach(d -> m.put(d.trialId() + "@" + d.rung(), d.verdict()));
    return m;
  }

  @Test
  void rungs_areMinTimesEtaToThePowerKBelowTheEpochs() {
    assertEquals(List.of(1, 3, 9), new Policy("val/mIoU", true, 1, 3).rungs(27));
    assertEquals(List.of(1, 3, 9, 27), new Policy("val/mIoU", true, 1, 3).rungs(28));
    assertEquals(List.of(2, 4, 8), new Policy("val/mIoU", true, 2, 2).rungs(10));
    assertEquals(List.of(), new Policy("val/mIoU", true, 5, 3).rungs(5));
    assertEquals(List.of(4), new Policy("val/mIoU", true, 4, 4).rungs(16));
  }

  @Test
  void keep_isTheFloorOfNOverEtaAndAtLeastOne() {
    assertEquals(1, MAX.keep(1));
    assertEquals(1, MAX.keep(2));
    assertEquals(1, MAX.keep(5));
    assertEquals(3, MAX.keep(9));
    assertEquals(3, MAX.keep(11));
  }

  @Test
  void decide_aTrialAloneAtARungGoesOn() {
    List<RungDecision> ds = Asha.decide(MAX, List.of(trial("a", true, 27, 0.01)), List.of(), T0);
    assertEquals(1, ds.size());
    RungDecision d = ds.get(0);
    assertEquals(new RungDecision("a", 1, 0.01, 0.01, 1, Verdict.CONTINUE, T0.toString()), d);
  }

  @Test
  void decide_keepsTheTopThirdAtARung_directionMax() {
    List<TrialCurve> trials = new ArrayList<>();
    for (int i = 0; i < 9; i++) {
      trials.add(trial("t" + i, true, 27, 0.1 * i));
    }
    List<RungDecision> ds = Asha.decide(MAX, trials, List.of(), T0);
    assertEquals(9, ds.size());
    List<String> on = ds.stream().filter(d -> !d.stops()).map(RungDecision::trialId).toList();
    assertEquals(List.of("t6", "t7", "t8"), on);
    ds.forEach(d -> assertEquals(0.6, d.cutoff(), 1e-12));
    ds.forEach(d -> assertEquals(9, d.competitors()));
  }

  @Test
  void decide_keepsTheTopThirdAtARung_directionMin() {
    List<TrialCurve> trials = new ArrayList<>();
    for (int i = 0; i < 9; i++) {
      trials.add(trial("t" + i, true, 27, 10.0 * i));
    }
    List<RungDecision> ds = Asha.decide(MIN, trials, List.of(), T0);
    List<String> on = ds.stream().filter(d -> !d.stops()).map(RungDecision::trialId).toList();
    assertEquals(List.of("t0", "t1", "t2"), on);
    assertEquals(20.0, ds.get(0).cutoff());
  }

  @Test
  void decide_tiesAtTheCutoffAllGoOn_whateverTheOrder() {
    List<TrialCurve> trials =
        List.of(
            trial("c", true, 27, 0.5),
            trial("a", true, 27, 0.7),
            trial("b", true, 27, 0.5),
            trial("d", true, 27, 0.2),
            trial("e", true, 27, 0.5),
            trial("f", true, 27, 0.1));
    // n = 6, keep 2: the cut-off is the second best, 0.5, which three trials share
    Map<String, Verdict> v = verdicts(Asha.decide(MAX, trials, List.of(), T0));
    assertEquals(
        Map.of(
            "a@1", Verdict.CONTINUE,
            "b@1", Verdict.CONTINUE,
            "c@1", Verdict.CONTINUE,
            "d@1", Verdict.STOP,
            "e@1", Verdict.CONTINUE,
            "f@1", Verdict.STOP),
        v);
    List<TrialCurve> reversed = new ArrayList<>(trials);
    java.util.Collections.reverse(reversed);
    assertEquals(v, verdicts(Asha.decide(MAX, reversed, List.of(), T0)));
  }

  @Test
  void decide_comparesWithFinishedAndStoppedTrialsThatReachedTheRung_neverWaitsForOthers() {
    // two trials are done with rung 1, one still before it: the late one does not hold anybody up
    List<TrialCurve> trials =
        List.of(
            trial("done", false, 27, 0.9, 0.9, 0.9),
            trial("new", true, 27, 0.4),
            trial("slow", true, 27));
    List<RungDecision> ds = Asha.decide(MAX, trials, List.of(), T0);
    // n = 2 at rung 1 (done and new), keep 1: new is behind the finished trial
    assertEquals(List.of(new RungDecision("new", 1, 0.4, 0.9, 2, Verdict.STOP, T0.toString())), ds);
  }

  @Test
  void decide_aMissingMetricRanksBelowEveryValue() {
    // gap logged epoch 2 but its epoch 1 row held no value
    TrialCurve gap = new TrialCurve("gap", true, 27, new TreeMap<>(Map.of(2, 0.3)));
    List<TrialCurve> withGap =
        List.of(trial("nan", true, 27, Double.NaN), trial("ok", true, 27, 0.01), gap);
    List<RungDecision> ds = Asha.decide(MAX, withGap, List.of(), T0);
    Map<String, Verdict> v = verdicts(ds);
    assertEquals(Map.of("gap@1", Verdict.STOP, "nan@1", Verdict.STOP, "ok@1", Verdict.CONTINUE), v);
    RungDecision nan = ds.stream().filter(d -> d.trialId().equals("nan")).findFirst().orElseThrow();
    assertNull(nan.value());
    assertEquals(0.01, nan.cutoff());
  }

  @Test
  void decide_aMissingMetricAloneGoesOn() {
    List<RungDecision> ds =
        Asha.decide(MIN, List.of(trial("x", true, 27, Double.NaN)), List.of(), T0);
    assertEquals(
        List.of(new RungDecision("x", 1, null, null, 1, Verdict.CONTINUE, T0.toString())), ds);
  }

  @Test
  void decide_walksEveryRungATrialCompletedSinceTheLastTick_andStopsAtTheFirstCut() {
    List<TrialCurve> trials =
        List.of(
            trial("lead", false, 27, 0.5, 0.6, 0.7, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8),
            trial("late", true, 27, 0.6, 0.6, 0.6, 0.6));
    List<RungDecision> ds = Asha.decide(MAX, trials, List.of(), T0);
    // rung 1: late (0.6) beats lead (0.5) and goes on; rung 3: 0.6 < 0.7, stopped there
    assertEquals(
        List.of(
            new RungDecision("late", 1, 0.6, 0.6, 2, Verdict.CONTINUE, T0.toString()),
            new RungDecision("late", 3, 0.6, 0.7, 2, Verdict.STOP, T0.toString())),
        ds);
  }

  @Test
  void decide_usesTheValuesOnRecord_andNeverDecidesTwice() {
    List<TrialCurve> trials = List.of(trial("a", true, 27, 0.5), trial("b", true, 27, 0.4));
    List<RungDecision> first = Asha.decide(MAX, trials, List.of(), T0);
    assertEquals(List.of(), Asha.decide(MAX, trials, first, T0.plusSeconds(60)));
    // a stopped trial whose output is gone still counts at its rung with the value on record
    List<RungDecision> onRecord =
        List.of(new RungDecision("gone", 1, 0.9, 0.9, 1, Verdict.CONTINUE, T0.toString()));
    List<RungDecision> ds = Asha.decide(MAX, List.of(trial("c", true, 27, 0.8)), onRecord, T0);
    assertEquals(List.of(new RungDecision("c", 1, 0.8, 0.9, 2, Verdict.STOP, T0.toString())), ds);
  }

  @Test
  void decide_leavesTrialsThatAreNotRunningOrAlreadyStopped() {
    List<RungDecision> stopped =
        List.of(new RungDecision("s", 1, 0.1, 0.9, 3, Verdict.STOP, T0.toString()));
    List<TrialCurve> trials =
        List.of(trial("s", true, 27, 0.1, 0.1, 0.1), trial("f", false, 27, 0.2, 0.2, 0.2));
    assertEquals(List.of(), Asha.decide(MAX, trials, stopped, T0));
  }

  @Test
  void decide_aTrialWithFewerEpochsHasFewerRungs() {
    // EPOCHS=3 for this trial: its only rung is 1, it is never decided at 3
    List<RungDecision> ds =
        Asha.decide(MAX, List.of(trial("short", true, 3, 0.5, 0.5, 0.5)), List.of(), T0);
    assertEquals(List.of(1), ds.stream().map(RungDecision::rung).toList());
    assertTrue(ds.stream().noneMatch(RungDecision::stops));
  }
}
