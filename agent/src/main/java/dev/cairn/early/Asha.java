package dev.cairn.early;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Asynchronous successive halving (Li et al., "A System for Massively Parallel Hyperparameter
 * Tuning", 2018) over the trials of one task, as a pure function: no I/O, no clock of its own.
 *
 * <p>A running trial that has completed a rung is compared with every trial of the task that has
 * reached that rung so far, whatever its state, itself included: with {@code n} of them, the top
 * {@code keep(n) = max(1, floor(n / eta))} go on and the others stop. Nobody waits for stragglers,
 * so a trial alone at a rung goes on. The cut-off is the {@code keep(n)}-th best value; a trial
 * that matches it goes on, so ties at the cut-off all go on and the outcome never depends on the
 * order of the trials. A missing value (no row at the rung's epoch, or NaN) ranks below every
 * number. A trial's value at a rung is the one on record where it was decided there, else its
 * curve's. A decision is made once per trial and rung and never changed: given the decisions on
 * record, the same inputs yield no new decision.
 */
public final class Asha {
  private Asha() {}

  /**
   * The new decisions of one tick, ordered by rung, then trial id.
   *
   * @param trials every trial of one task (running, finished, failed or stopped)
   * @param onRecord the decisions already made for these trials, at any earlier tick
   * @param now the time the new decisions carry
   */
  public static List<Decision> decide(
      Policy policy, List<TrialCurve> trials, List<Decision> onRecord, Instant now) {
    Map<String, Map<Integer, Decision>> recorded = new HashMap<>();
    for (Decision d : onRecord) {
      recorded.computeIfAbsent(d.trialId(), k -> new HashMap<>()).putIfAbsent(d.rung(), d);
    }
    Set<String> stopped = new HashSet<>();
    onRecord.stream().filter(Decision::stops).forEach(d -> stopped.add(d.trialId()));
    List<Decision> made = new ArrayList<>();
    List<TrialCurve> ordered =
        trials.stream().sorted(Comparator.comparing(TrialCurve::trialId)).toList();
    for (TrialCurve trial : ordered) {
      if (!trial.running() || stopped.contains(trial.trialId())) {
        continue;
      }
      Map<Integer, Decision> mine = recorded.getOrDefault(trial.trialId(), Map.of());
      for (int rung : policy.rungs(trial.epochs())) {
        if (mine.containsKey(rung)) {
          continue;
        }
        if (trial.epochsDone() < rung) {
          break;
        }
        Decision d = atRung(policy, trial, rung, ordered, recorded, now);
        made.add(d);
        if (d.stops()) {
          break;
        }
      }
    }
    made.sort(Comparator.comparingInt(Decision::rung).thenComparing(Decision::trialId));
    return List.copyOf(made);
  }

  private static Decision atRung(
      Policy policy,
      TrialCurve trial,
      int rung,
      List<TrialCurve> trials,
      Map<String, Map<Integer, Decision>> recorded,
      Instant now) {
    // every trial that reached the rung, with the value on record where there is one
    Map<String, Double> field = new LinkedHashMap<>();
    Set<String> reached = new HashSet<>();
    recorded.forEach(
        (id, byRung) -> {
          Decision d = byRung.get(rung);
          if (d != null) {
            field.put(id, d.value());
            reached.add(id);
          }
        });
    for (TrialCurve t : trials) {
      if (!reached.contains(t.trialId()) && t.epochsDone() >= rung) {
        field.put(t.trialId(), t.at(rung));
        reached.add(t.trialId());
      }
    }
    List<Double> ranked = new ArrayList<>(field.values());
    ranked.sort((a, b) -> policy.better(a, b) ? -1 : policy.better(b, a) ? 1 : 0);
    int keep = policy.keep(ranked.size());
    Double cutoff = ranked.get(keep - 1);
    Double value = field.get(trial.trialId());
    Verdict verdict = policy.better(cutoff, value) ? Verdict.STOP : Verdict.CONTINUE;
    return new Decision(trial.trialId(), rung, value, cutoff, ranked.size(), verdict, now);
  }
}
