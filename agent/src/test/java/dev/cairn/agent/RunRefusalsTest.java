package dev.cairn.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.Json;
import dev.cairn.model.EarlyStopRecord;
import dev.cairn.model.JobState;
import dev.cairn.model.RunState;
import dev.cairn.model.RungDecision;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * A run refuses what cannot happen without changing anything: over random sequences of every run
 * transition, a refused one leaves the run's record exactly as it was, and every run reached loads
 * back from its record, the way the agent reads it after a restart, field for field.
 */
class RunRefusalsTest {

  enum Kind {
    PLANNED,
    REJECTED,
    STARTED,
    COLLECTING,
    DECIDED,
    PUBLISHING,
    ENDED,
    CANCELLED,
    GIVEN_UP,
    SHARES,
    MERGED,
    EARLY_STOP,
    SAYS,
    CHANGED,
    STATUS_WRITTEN,
    PUBLISHED,
    JOB_SUBMITTED,
    JOB_ENDED
  }

  record Step(Kind kind, int n) {
    void applyTo(Run run) {
      String why = kind.name().toLowerCase(java.util.Locale.ROOT) + " " + n;
      switch (kind) {
        case PLANNED -> run.planned(why);
        case REJECTED -> run.rejected(why);
        case STARTED -> run.started();
        case COLLECTING -> run.collecting(why);
        case DECIDED -> run.decided(n % 2 == 0 ? RunState.SUCCEEDED : RunState.FAILED, why);
        case PUBLISHING -> run.publishing(why, "2026-12-07T10:00:" + (10 + n % 50) + "Z");
        case ENDED -> run.ended();
        case CANCELLED -> run.cancelled(why);
        case GIVEN_UP -> run.givenUp(why);
        case SHARES -> run.shares(RunShare.none(n % 3 == 0 ? "lsf" : "default"));
        case MERGED -> run.merged(List.of(ended("landslide"), ended("crops")));
        case EARLY_STOP -> run.earlyStop(early(run, n));
        case SAYS -> run.says(why);
        case CHANGED -> run.changed("2026-12-07T11:00:" + (10 + n % 50) + "Z");
        case STATUS_WRITTEN -> run.statusWritten();
        case PUBLISHED -> run.published(n % 2 == 0 ? null : "c".repeat(40));
        case JOB_SUBMITTED -> {
          JobRun job = run.jobs().get(n % run.jobs().size());
          run.replace(job, job.submitted(String.valueOf(100 + n)));
        }
        case JOB_ENDED -> {
          JobRun job = run.jobs().get(n % run.jobs().size());
          run.replace(job, job.reported(JobState.COMPLETED, why));
        }
      }
    }

    /** The run's decisions so far, with one more, or (odd {@code n}) with its first one changed. */
    private static EarlyStopRecord early(Run run, int n) {
      List<RungDecision> decisions = new ArrayList<>(run.rungDecisions());
      RungDecision next =
          new RungDecision(
              "landslide",
              n,
              n / 10.0,
              0.5,
              3,
              n % 3 == 0 ? dev.cairn.model.Verdict.STOP : dev.cairn.model.Verdict.CONTINUE,
              "2026-12-07T10:00:00Z");
      if (n % 2 == 1 && !decisions.isEmpty()) {
        decisions.set(0, next);
      } else {
        decisions.add(next);
      }
      return new EarlyStopRecord(3, 3, List.of(), decisions, 81, n, n, 0);
    }

    private static JobRun ended(String task) {
      return Runs.job(task, null).submitted("9").reported(JobState.COMPLETED, null);
    }
  }

  @Provide
  Arbitrary<List<Step>> steps() {
    return Combinators.combine(Arbitraries.of(Kind.class), Arbitraries.integers().between(0, 40))
        .as(Step::new)
        .list()
        .ofMinSize(1)
        .ofMaxSize(30);
  }

  @Property(tries = 500)
  void aRefusedTransitionChangesNothing_andEveryRunReachedLoadsBackFromItsRecord(
      @ForAll("steps") List<Step> steps) throws Exception {
    Run run = Runs.run("r");
    run.prepared("slurm", List.of(Runs.job("landslide", null), Runs.job("crops", null)));
    for (Step step : steps) {
      StoredRun before = run.stored();
      try {
        step.applyTo(run);
      } catch (IllegalTransition e) {
        assertEquals(before, run.stored(), step + " was refused but changed the run");
      }
      StoredRun stored = run.stored();
      ObjectNode json = Json.MAPPER.valueToTree(stored);
      StoredRun read = Json.MAPPER.treeToValue(StoredForm.current(json), StoredRun.class);
      assertEquals(stored, Run.restored(read).stored(), "loaded back after " + step);
    }
  }
}
