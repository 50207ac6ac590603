package dev.cairn.report;

import dev.cairn.model.EarlyStopRecord;
import dev.cairn.model.RungDecision;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The report's view of early stopping ({@code EARLY_STOP=asha}): the rule, who went on and who
 * stopped at each rung, and the training time spent against the full grid's estimate, in the run's
 * cost unit (GPU-hours where its trials had GPUs, else CPU-hours).
 */
public final class EarlyStops {
  private EarlyStops() {}

  /**
   * Training time in the run's cost unit: hours x GPUs per trial where the trials had GPUs, hours x
   * CPUs per trial where they had none.
   *
   * @param unit {@code GPU-hours} or {@code CPU-hours}
   * @param spent what the trials trained
   * @param saved what the stopped trials would have trained to their last epoch
   */
  public record Hours(String unit, double spent, double saved) {
    /** The full grid's estimate: every trial trained to its last epoch. */
    public double fullGrid() {
      return spent + saved;
    }

    /** The share of the full grid's estimate that was spent; 1 when nothing was estimated. */
    public double spentShare() {
      double full = fullGrid();
      return full == 0 ? 1 : spent / full;
    }
  }

  /** What early stopping cost and saved, in the unit of the run's other costs. */
  public static Hours hours(RunReport run, EarlyStopRecord record) {
    boolean gpu = run.onGpus();
    double units = 0;
    int n = 0;
    for (TrialResult t : run.trials()) {
      Integer count = gpu ? t.gpus() : t.cpus();
      if (count != null && count > 0) {
        units += count;
        n++;
      }
    }
    // trials of one sweep ask for the same resources unless the sweep varies them: the mean
    double perTrial = n == 0 ? 1 : units / n;
    return new Hours(
        gpu ? "GPU-hours" : "CPU-hours",
        record.secondsSpent() / 3600 * perTrial,
        record.secondsSaved() / 3600 * perTrial);
  }

  /** The rung at which each stopped trial was stopped, by trial id. */
  public static Map<String, Integer> stoppedAt(@Nullable EarlyStopRecord record) {
    Map<String, Integer> at = new LinkedHashMap<>();
    if (record != null) {
      for (RungDecision d : record.decisions()) {
        if (d.stops()) {
          at.putIfAbsent(d.trialId(), d.rung());
        }
      }
    }
    return at;
  }

  /** "stopped at epoch 3", or "stopped early" where no decision names the trial. */
  static String stoppedLabel(@Nullable Integer rung) {
    return rung == null ? "stopped early" : "stopped at epoch " + rung;
  }

  /** One line: trials stopped, epochs trained, hours spent against the full grid's estimate. */
  public static String sentence(RunReport run, EarlyStopRecord record) {
    Hours h = hours(run, record);
    return record.stopped()
        + " of "
        + run.trials().size()
        + " trial(s) stopped early; "
        + record.epochsRun()
        + " of "
        + record.epochsPlanned()
        + " epochs trained ("
        + percent(record.epochShare())
        + "); "
        + Format.hours(h.spent())
        + " "
        + h.unit()
        + " spent against "
        + Format.hours(h.fullGrid())
        + " estimated for the full grid ("
        + percent(h.spentShare())
        + "), "
        + Format.hours(h.saved())
        + " saved.";
  }

  /** The report's section: the rule, the figures, each task's decisions by rung and its chart. */
  static void write(Doc doc, RunReport run, EarlyStopRecord record, Set<String> charts) {
    doc.heading(2, "Early stopping");
    doc.para(
        "Asynchronous successive halving (EARLY_STOP=asha): a trial that reached a rung went on when"
            + " its validation metric was as good as the cut-off or better, the "
            + "max(1, floor(n / "
            + record.reduction()
            + "))-th best of the n trials that had reached the rung by then; the others were"
            + " stopped there, their checkpoints kept. First rung after "
            + record.minEpochs()
            + " epoch(s), eta = "
            + record.reduction()
            + ".");
    List<List<String>> rules = new ArrayList<>();
    for (EarlyStopRecord.Rule r : record.rules()) {
      rules.add(
          List.of(
              r.task(),
              r.metric(),
              r.higherIsBetter() ? "higher is better" : "lower is better",
              String.join(", ", r.rungs().stream().map(String::valueOf).toList())));
    }
    doc.table(List.of("task", "metric", "direction", "rungs (epochs)"), rules);
    Hours h = hours(run, record);
    doc.para(sentence(run, record));
    doc.table(
        List.of("", h.unit(), "epochs"),
        List.of(
            List.of("spent", Format.hours(h.spent()), Long.toString(record.epochsRun())),
            List.of(
                "saved",
                Format.hours(h.saved()),
                Long.toString(Math.max(0, record.epochsPlanned() - record.epochsRun()))),
            List.of(
                "full grid (estimate)",
                Format.hours(h.fullGrid()),
                Long.toString(record.epochsPlanned()))));
    Map<String, String> taskOf = new LinkedHashMap<>();
    run.trials().forEach(t -> taskOf.put(t.trialId(), t.task()));
    for (EarlyStopRecord.Rule rule : record.rules()) {
      List<RungDecision> decisions =
          record.decisions().stream()
              .filter(d -> rule.task().equals(taskOf.get(d.trialId())))
              .sorted(java.util.Comparator.comparingInt(RungDecision::rung))
              .toList();
      doc.heading(3, rule.task());
      if (decisions.isEmpty()) {
        doc.para("No trial of " + rule.task() + " reached a rung.");
      } else {
        doc.table(
            List.of("rung (epoch)", "trial", rule.metric(), "cut-off", "reached", "decision"),
            rows(decisions));
      }
      if (charts.contains(Charts.rungsFile(rule.task()))) {
        doc.image("rungs of " + rule.task(), Charts.rungsFile(rule.task()));
      }
    }
    List<RungDecision> unmatched =
        record.decisions().stream().filter(d -> !taskOf.containsKey(d.trialId())).toList();
    if (!unmatched.isEmpty()) {
      doc.heading(3, "trials not in this report");
      doc.table(
          List.of("rung (epoch)", "trial", "metric", "cut-off", "reached", "decision"),
          rows(unmatched));
    }
  }

  private static List<List<String>> rows(List<RungDecision> decisions) {
    List<List<String>> rows = new ArrayList<>();
    for (RungDecision d : decisions) {
      rows.add(
          List.of(
              Integer.toString(d.rung()),
              d.trialId(),
              value(d.value()),
              value(d.cutoff()),
              Integer.toString(d.competitors()),
              d.stops() ? "stopped" : "went on"));
    }
    return rows;
  }

  /** A metric value of a decision: "not logged" where none was, "NaN" where it was not a number. */
  static String value(@Nullable Double v) {
    return v == null ? "not logged" : v.isNaN() ? "NaN" : Format.metric(v);
  }

  static String percent(double share) {
    return String.format(Locale.ROOT, "%.1f %%", share * 100);
  }

  /** The rule of a task, or null when early stopping had none for it. */
  static EarlyStopRecord.@Nullable Rule rule(EarlyStopRecord record, String task) {
    return record.rules().stream()
        .filter(r -> Objects.equals(r.task(), task))
        .findFirst()
        .orElse(null);
  }
}
