package dev.cairn.publish;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.config.ExperimentConfig;
import dev.cairn.model.RunRecord;
import dev.cairn.model.RunState;
import dev.cairn.testing.EarlyStopSweep;
import dev.cairn.testing.Fixtures;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code summary.md} of a run with early stopping: stopped trials read as such, never failed. */
class SummaryEarlyStopTest {
  @TempDir Path tmp;

  @Test
  void render_showsStoppedTrialsAsStoppedEarly_andWhatEarlyStoppingSaved() throws Exception {
    ExperimentConfig config =
        ExperimentConfig.parse(Fixtures.committedConfig(), "config/config.env", Fixtures.tasks());
    RunRecord run =
        new RunRecord(
            "20261207-asha-e5e5e5e5",
            "e".repeat(40),
            1,
            RunState.SUCCEEDED,
            null,
            "2026-12-07T11:00:00Z",
            null,
            "2026-12-07T10:00:00Z",
            null,
            "slurm",
            tmp,
            "2026-12-07T11:00:00Z",
            null,
            RunState.SUCCEEDED,
            "1 of 1 trial(s) that ran to the end completed and met their quality gates; 8 stopped"
                + " early",
            config,
            EarlyStopSweep.jobs(),
            EarlyStopSweep.record());
    String md = Summary.render(run);
    assertTrue(
        md.contains(
            "| crop_classification-lr1e-4 | stopped early after 2 epoch(s) (val/mIoU 0.3200 below"
                + " the cut-off 0.5000 at epoch 1 \\(9 trial\\(s\\) reached it\\); cancelled"
                + " 100\\_1) | 1 | test/mIoU>=0.5 not checked (stopped early) |"),
        md);
    assertFalse(md.contains("| STOPPED"), md);
    assertTrue(
        md.contains(
            "## Early stopping\n\n8 of 9 trial(s) stopped early (not failures: their checkpoints are"
                + " kept); 29 of 81 epochs trained (35.8 %); 0.48 h of training against 1.35 h"
                + " estimated for the full grid, 0.87 h saved."),
        md);
  }
}
