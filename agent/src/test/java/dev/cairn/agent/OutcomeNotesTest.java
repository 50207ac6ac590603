package dev.cairn.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.config.ExperimentConfig;
import dev.cairn.config.QualityGate;
import dev.cairn.model.JobState;
import dev.cairn.model.RunState;
import dev.cairn.plan.JobSpec;
import dev.cairn.plan.RunPlan;
import dev.cairn.testing.Fixtures;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A trial whose test metrics are in completes, even without its plots; its notes say why. */
class OutcomeNotesTest {
  @TempDir Path tmp;

  @Test
  void missingPlot_isANoteOfACompletedTrial_notAFailure() throws Exception {
    ExperimentConfig cfg =
        ExperimentConfig.parse(
            "EXPERIMENT_NAME=n\nTRAINER=demo\nTASKS=crop_classification,landslide\n"
                .getBytes(StandardCharsets.UTF_8),
            "config.env",
            Fixtures.tasks());
    RunPlan plan = RunPlan.of(cfg, "0".repeat(40), Instant.EPOCH, 1, tmp);
    List<JobRun> jobs = new java.util.ArrayList<>();
    for (JobSpec spec : plan.jobs()) {
      JobRun job =
          JobRun.planned(
                  spec.task().name(),
                  spec.trial().id(),
                  Map.of(),
                  Map.of(),
                  "slurm",
                  spec.jobName(),
                  spec.stage(),
                  QualityGate.of("test/mIoU>=0.3"))
              .reported(JobState.COMPLETED, null);
      jobs.add(job);
      Files.createDirectories(spec.outputDir());
      Files.writeString(spec.outputDir().resolve("metrics.json"), "{\"test/mIoU\": 0.5}");
    }
    Run run = Runs.run("r");
    run.prepared("slurm", jobs);
    Path crop = plan.jobs().get(0).outputDir();
    Files.writeString(
        crop.resolve("notes.txt"),
        "plots missing: plot_predictions.py exited 1: ModuleNotFoundError: No module named"
            + " 'matplotlib'\n");
    Outcome.collect(run, plan);
    Outcome.decide(run, "all");
    assertEquals(RunState.SUCCEEDED, run.outcome(), run.outcomeMessage());
    assertEquals(
        "notes: plots missing: plot_predictions.py exited 1: ModuleNotFoundError: No module named"
            + " 'matplotlib'",
        run.jobs().get(0).reason());
    assertNull(run.jobs().get(1).reason());
    assertTrue(run.jobs().get(0).gatePassed());
  }
}
