package dev.cairn.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.config.QualityGate;
import dev.cairn.model.JobState;
import dev.cairn.model.RunState;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OutcomeTest {
  static JobRun trial(String task, String id, JobState state, double value) {
    QualityGate gate = QualityGate.of("test/F1>=0.5");
    JobRun j =
        JobRun.planned(task, id, Map.of(), Map.of(), "slurm", null, null, gate)
            .reported(state, null)
            .measured(Map.of("test/F1", value));
    return state == JobState.COMPLETED ? j.gateChecked(gate.passes(value)) : j;
  }

  static Run run(JobRun... jobs) {
    Run run = Runs.run("r");
    run.prepared("slurm", java.util.List.of(jobs));
    return run;
  }

  @Test
  void gateRuleAll_failsWhenAnyTrialMisses() {
    Run run =
        run(
            trial("landslide", "landslide-a", JobState.COMPLETED, 0.7),
            trial("landslide", "landslide-b", JobState.COMPLETED, 0.2));
    Outcome.decide(run, "all");
    assertEquals(RunState.FAILED, run.outcome());
    assertTrue(
        run.outcomeMessage().startsWith("landslide-b missed its quality gate"),
        run.outcomeMessage());
  }

  @Test
  void gateRuleBest_passesWhenOneTrialPerTaskPasses() {
    Run run =
        run(
            trial("landslide", "landslide-a", JobState.COMPLETED, 0.7),
            trial("landslide", "landslide-b", JobState.FAILED, 0),
            trial("biomass", "biomass-a", JobState.COMPLETED, 0.2),
            trial("biomass", "biomass-b", JobState.COMPLETED, 0.9));
    Outcome.decide(run, "best");
    assertEquals(RunState.SUCCEEDED, run.outcome());
    assertTrue(run.outcomeMessage().contains("landslide 1/2, biomass 1/2"), run.outcomeMessage());
  }

  @Test
  void gateRuleBest_failsATaskWithoutAPassingTrial() {
    Run run =
        run(
            trial("landslide", "landslide-a", JobState.COMPLETED, 0.7),
            trial("biomass", "biomass-a", JobState.COMPLETED, 0.2),
            trial("biomass", "biomass-b", JobState.TIMEOUT, 0));
    Outcome.decide(run, "best");
    assertEquals(RunState.FAILED, run.outcome());
    assertTrue(
        run.outcomeMessage().startsWith("biomass: none of 2 trial(s) met the gate"),
        run.outcomeMessage());
  }

  @Test
  void manyProblemsAreCappedInTheMessage() {
    JobRun[] jobs = new JobRun[20];
    for (int i = 0; i < jobs.length; i++) {
      jobs[i] = trial("crop", "crop-" + i, JobState.FAILED, 0);
    }
    Run run = run(jobs);
    Outcome.decide(run, "all");
    assertTrue(
        run.outcomeMessage().endsWith("; and 12 more (see summary.md)"), run.outcomeMessage());
  }
}
