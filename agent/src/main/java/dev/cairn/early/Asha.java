package dev.cairn.early;

import dev.cairn.model.RungDecision;
import dev.cairn.model.Verdict;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

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
 * curve's; a trial stopped at a lower rung is out of the field, whatever it logged before its
 * cancel took effect. A decision is made once per trial and rung and never changed: given the
 * decisions on record, the same inputs yield no new decision.
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
  public static List<RungDecision> decide(
      Policy policy, List<TrialCurve> trials, List<RungDecision> onRecord, Instant now) {
    Map<String, Map<Integer, RungDecision>> recorded = new HashMap<>();
    Map<String, Integer> stoppedAt = new HashMap<>();
    for (RungDecision d : onRecord) {
      recorded.computeIfAbsent(d.trialId(), k -> new HashMap<>()).putIfAbsent(d.rung(), d);
      if (d.stops()) {
        stoppedAt.merge(d.trialId(), d.rung(), Math::min);
      }
    }
    List<TrialCurve> ordered =
        trials.stream().sorted(Comparator.comparing(TrialCurve::trialId)).toList();
    TreeSet<Integer> rungs = new TreeSet<>();
    ordered.forEach(t -> rungs.addAll(policy.rungs(t.epochs())));
    List<RungDecision> made = new ArrayList<>();
    // rung by rung, so that a stop made this tick at a lower rung keeps its trial out of the
    // fields above it, whatever the order of the trials
    for (int rung : rungs) {
      List<RungDecision> atThisRung = new ArrayList<>();
      for (TrialCurve trial : ordered) {
        boolean pending =
            trial.running()
                && !stoppedAt.containsKey(trial.trialId())
                && policy.rungs(trial.epochs()).contains(rung)
                && !recorded.getOrDefault(trial.trialId(), Map.of()).containsKey(rung)
                && trial.epochsDone() >= rung;
        if (pending) {
          atThisRung.add(atRung(policy, trial, rung, ordered, recorded, stoppedAt, now));
        }
      }
      atThisRung.stream()
          .filter(RungDecision::stops)
          .forEach(d -> stoppedAt.put(d.trialId(), rung));
      made.addAll(atThisRung);
    }
    return List.copyOf(made);
  }

  private static RungDecision atRung(
      Policy policy,
      TrialCurve trial,
      int rung,
      List<TrialCurve> trials,
      Map<String, Map<Integer, RungDecision>> recorded,
      Map<String, Integer> stoppedAt,
      Instant now) {
    // every trial that reached the rung, with the value on record where there is one
    Map<String, Double> field = new LinkedHashMap<>();
    Set<String> reached = new HashSet<>();
    recorded.forEach(
        (id, byRung) -> {
          RungDecision d = byRung.get(rung);
          if (d != null) {
            field.put(id, d.value());
            reached.add(id);
          }
        });
    for (TrialCurve t : trials) {
      // a trial stopped at a lower rung that logged more before its cancel took effect is out
      boolean out = stoppedAt.getOrDefault(t.trialId(), Integer.MAX_VALUE) < rung;
      if (!out && !reached.contains(t.trialId()) && t.epochsDone() >= rung) {
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
    return new RungDecision(
        trial.trialId(), rung, value, cutoff, ranked.size(), verdict, now.toString());
  }
}
