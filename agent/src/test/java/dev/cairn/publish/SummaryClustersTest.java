package dev.cairn.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.config.ExperimentConfig;
import dev.cairn.config.QualityGate;
import dev.cairn.model.JobRecord;
import dev.cairn.model.JobState;
import dev.cairn.model.RunRecord;
import dev.cairn.model.RunState;
import dev.cairn.testing.Fixtures;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code summary.md} and {@code run.json} of a run whose trials two clusters ran. */
class SummaryClustersTest {
  @TempDir Path tmp;

  private static JobRecord job(String trial, long elapsed, @Nullable String cluster) {
    return JobRecord.builder("crop_classification")
        .schedulerId("100")
        .state(JobState.COMPLETED)
        .attempts(1)
        .exitCode(0)
        .elapsedS(elapsed)
        .maxRssMb(512L)
        .gpus(0)
        .metrics(Map.of("test/mIoU", 0.6))
        .gate(QualityGate.of("test/mIoU>=0.5"))
        .gatePassed(true)
        .trial(trial)
        .stage("all")
        .cluster(cluster)
        .build();
  }

  private RunRecord run(List<JobRecord> jobs) throws Exception {
    ExperimentConfig config =
        ExperimentConfig.parse(Fixtures.committedConfig(), "config/config.env", Fixtures.tasks());
    return new RunRecord(
        "20261207-clusters-c5c5c5c5",
        "c".repeat(40),
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
        "3 of 3 trial(s) completed and met their quality gates",
        config,
        jobs,
        null);
  }

  @Test
  void render_namesEachTrialsClusterAndWhatEachClusterSpent() throws Exception {
    String md =
        Summary.render(
            run(
                List.of(
                    job("crop-300", 3600, "default"),
                    job("crop-600", 7200, "lsf"),
                    job("crop-600-s2", 1800, "lsf"))));
    assertTrue(md.contains("| task | cluster | state | attempts |"), md);
    assertTrue(md.contains("| crop-600 | lsf | COMPLETED | 1 |"), md);
    // the demo trainer on 1 CPU a job: CPU-hours are the elapsed hours
    assertTrue(
        md.contains(
            "## Cost per cluster\n\n| cluster | trials | elapsed | cost |\n| --- | --- | --- | --- |\n"
                + "| default | 1 | 60 min 00 s | 1.00 CPU-hours |\n"
                + "| lsf | 2 | 150 min 00 s | 2.50 CPU-hours |\n"),
        md);
  }

  @Test
  void render_ofARunWithoutClustersHasNoClusterColumn() throws Exception {
    String md = Summary.render(run(List.of(job("crop_classification", 3600, null))));
    assertTrue(md.contains("| task | state | attempts |"), md);
    assertFalse(md.contains("| cluster"), md);
    assertFalse(md.contains("Cost per cluster"), md);
  }

  @Test
  void trial_ofRunJsonCarriesTheClusterWhereTheRunRoutedOne() {
    assertEquals("lsf", ResultsPublisher.trial(job("crop-600", 60, "lsf")).get("cluster"));
    assertFalse(ResultsPublisher.trial(job("crop", 60, null)).containsKey("cluster"));
  }
}
