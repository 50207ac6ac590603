package dev.cairn.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cairn.Json;
import dev.cairn.config.QualityGate;
import dev.cairn.model.Attempt;
import dev.cairn.model.JobState;
import dev.cairn.plan.JobSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * A job is a value, whatever the loop does to it: over random sequences of every transition, no
 * transition changes the value it came from, a refused one leaves nothing changed, and every value
 * reached survives its stored form, JSON included, field for field.
 */
class JobValuesTest {

  /** One transition, with the numbers and words it takes. */
  record Step(Kind kind, int n, JobState state) {
    JobRun applyTo(JobRun job) {
      String why = kind.name().toLowerCase(java.util.Locale.ROOT) + " " + n;
      Attempt attempt = new Attempt(job.attempt(), job.schedulerId(), state, why, n, (long) n);
      return switch (kind) {
        case SUBMITTING -> job.submitting("cairn-" + n);
        case ARRAY_ELEMENT -> job.arrayElement("cairn-array-" + n, n % 4, n % 3 == 0 ? null : n);
        case SUBMISSION_SETTLED -> job.submissionSettled();
        case SUBMISSION_REFUSED -> job.submissionRefused(why);
        case SUBMITTED -> job.submitted(String.valueOf(100 + n));
        case REPORTED -> job.reported(state, n % 2 == 0 ? null : why);
        case EVALUATE_SUBMITTING -> job.evaluateSubmitting("cairn-eval-" + n);
        case EVALUATE_SUBMITTED -> job.evaluateSubmitted(String.valueOf(200 + n));
        case EVALUATE_SETTLED -> job.evaluateSettled();
        case EVALUATE_CANCELLED -> job.evaluateCancelled();
        case USAGE -> job.usage(n % 3 == 0 ? null : (long) n, (long) n * 10);
        case ACCOUNTED -> job.accounted(n % 5, (long) n, n % 2 == 0 ? null : (long) n, null);
        case FILLED_IN -> job.filledIn((long) n, (long) n + 1, (long) n + 2);
        case GPU_USAGE -> job.gpuUsage((long) n, (long) n * 100);
        case RAN_ON -> job.ranOn(n % 3);
        case MEASURED -> job.measured(Map.of("test/mIoU", n / 10.0, "val/loss", 1.0 / (n + 1)));
        case ERR_TAIL -> job.errTail("Traceback " + n);
        case GATE_CHECKED -> job.gateChecked(n % 2 == 0);
        case EXPLAINED -> job.explained(why);
        case ATTEMPT_ENDED -> job.attemptEnded(attempt);
        case REQUEUED -> job.requeued(attempt);
        case REQUEUED_TOO_OFTEN -> job.requeuedTooOften(3, why);
        case FAILED -> job.failed(why);
        case CANCELLED -> job.cancelled(why);
        case STOP_REQUESTED -> job.stopRequested(why);
        case STOPPED -> job.stopped(why);
        case PROGRESSED -> job.progressed(n);
        case RESUBMITTED -> job.resubmitted(why);
        case TRAINED -> job.trained(n % 2 == 0 ? null : String.valueOf(300 + n), why);
      };
    }
  }

  enum Kind {
    SUBMITTING,
    ARRAY_ELEMENT,
    SUBMISSION_SETTLED,
    SUBMISSION_REFUSED,
    SUBMITTED,
    REPORTED,
    EVALUATE_SUBMITTING,
    EVALUATE_SUBMITTED,
    EVALUATE_SETTLED,
    EVALUATE_CANCELLED,
    USAGE,
    ACCOUNTED,
    FILLED_IN,
    GPU_USAGE,
    RAN_ON,
    MEASURED,
    ERR_TAIL,
    GATE_CHECKED,
    EXPLAINED,
    ATTEMPT_ENDED,
    REQUEUED,
    REQUEUED_TOO_OFTEN,
    FAILED,
    CANCELLED,
    STOP_REQUESTED,
    STOPPED,
    PROGRESSED,
    RESUBMITTED,
    TRAINED
  }

  @Provide
  Arbitrary<List<Step>> steps() {
    Arbitrary<Step> step =
        Combinators.combine(
                Arbitraries.of(Kind.class),
                Arbitraries.integers().between(0, 40),
                Arbitraries.of(JobState.class))
            .as(Step::new);
    return step.list().ofMinSize(1).ofMaxSize(40);
  }

  @Property(tries = 500)
  void noTransitionChangesTheValueItCameFrom_andEveryValueSurvivesItsStoredForm(
      @ForAll("steps") List<Step> steps) throws Exception {
    JobRun job =
        JobRun.planned(
            "landslide",
            "landslide-lr1e-4",
            Map.of("LEARNING_RATE", "1e-4", "SEED", "1"),
            Map.of("gpus", "1"),
            "slurm",
            null,
            JobSpec.TRAIN,
            QualityGate.of("test/mIoU>=0.5"));
    List<JobRun> seen = new ArrayList<>();
    List<StoredJob> asSeen = new ArrayList<>();
    for (Step step : steps) {
      seen.add(job);
      asSeen.add(job.stored());
      try {
        job = step.applyTo(job);
      } catch (IllegalTransition e) {
        assertEquals(asSeen.get(asSeen.size() - 1), job.stored(), "a refusal changes nothing");
      }
      for (int i = 0; i < seen.size(); i++) {
        assertEquals(asSeen.get(i), seen.get(i).stored(), "value " + i + " changed after " + step);
      }
      StoredJob stored = job.stored();
      assertEquals(stored, JobRun.restored(stored).stored(), "restored from its record");
      StoredJob read =
          Json.MAPPER.readValue(Json.MAPPER.writeValueAsBytes(stored), StoredJob.class);
      assertEquals(stored, read, "read back from its JSON");
    }
  }
}
