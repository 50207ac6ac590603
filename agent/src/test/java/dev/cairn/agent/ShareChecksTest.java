package dev.cairn.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.cairn.config.ExperimentConfig;
import dev.cairn.model.JobRecord;
import dev.cairn.model.JobState;
import dev.cairn.model.OutputEntry;
import dev.cairn.model.RunState;
import dev.cairn.model.ShareRecord;
import dev.cairn.plan.JobSpec;
import dev.cairn.plan.RunPlan;
import dev.cairn.testing.Fixtures;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Another cluster's end record is taken for its own trials' outcomes only: the plan says which
 * trials the share has, and what the record adds beyond them, or says too much of, is dropped.
 */
class ShareChecksTest {
  /** The 600M trials go to cluster lsf, the 300M ones stay on the default cluster. */
  private static final String CONFIG =
      "EXPERIMENT_NAME=two-clusters\nTRAINER=demo\nSCHEDULER=slurm\n"
          + "TASKS=crop_classification,landslide\nGEOFM=prithvi_eo_v2_300,prithvi_eo_v2_600\n"
          + "GPUS_PER_JOB=0\nPRITHVI_EO_V2_600_CLUSTER=lsf\n";

  private static final String MD5 = "0123456789abcdef0123456789abcdef";

  @TempDir Path tmp;

  @Test
  void aRecordIsCutToThePlansTrials_aMissingOneFails_andItsTextIsBounded() throws Exception {
    ExperimentConfig cfg =
        ExperimentConfig.parse(
            CONFIG.getBytes(StandardCharsets.UTF_8), "config/config.env", Fixtures.tasks());
    RunPlan plan = RunPlan.of(cfg, "0".repeat(40), Instant.EPOCH, 1, tmp);
    List<JobSpec> lsf =
        plan.jobs().stream().filter(j -> j.trial().cluster().equals("lsf")).toList();
    assertEquals(2, lsf.size(), "one 600M trial per task");
    JobSpec reported = lsf.get(0);
    JobSpec missing = lsf.get(1);
    Map<String, Double> metrics = new LinkedHashMap<>();
    metrics.put("test/mIoU", 0.61);
    metrics.put("test/loss", Double.NaN);
    ShareRecord written =
        new ShareRecord(
            ShareRecord.SCHEMA,
            "0".repeat(40),
            1,
            "r",
            "somewhere-else",
            "lsf\nbsub",
            RunState.SUCCEEDED,
            "done\n\u001b[31mred",
            "2026-12-07T10:00:00Z",
            List.of(
                JobRecord.builder(reported.task().name())
                    .trial(reported.trial().id())
                    .state(JobState.COMPLETED)
                    .reason("line one\nline two")
                    .metrics(metrics)
                    .cluster("default")
                    .build(),
                JobRecord.builder("landslide").trial("intruder").state(JobState.COMPLETED).build()),
            null,
            "agent-b",
            Map.of(
                "predictions",
                List.of(
                    new OutputEntry(reported.trial().id() + "/predictions/a.tif", MD5, 10),
                    new OutputEntry("intruder/predictions/b.tif", MD5, 10))),
            Map.of("scripts/a.sh", "#!/bin/bash\n", "../../etc/passwd", "root"));

    ShareRecord taken = ShareChecks.checked(written, plan, "lsf");

    assertEquals("lsf", taken.cluster(), "the cluster is the one whose end key was read");
    assertEquals(
        List.of(reported.trial().id(), missing.trial().id()),
        taken.jobs().stream().map(JobRecord::trial).toList());
    JobRecord first = taken.jobs().get(0);
    assertEquals(JobState.COMPLETED, first.state());
    assertEquals("lsf", first.cluster());
    assertEquals("line one line two", first.reason());
    assertEquals(Map.of("test/mIoU", 0.61), first.metrics(), "a NaN is no metric");
    JobRecord second = taken.jobs().get(1);
    assertEquals(JobState.FAILED, second.state());
    assertEquals("cluster lsf ended its share without this trial", second.reason());
    assertFalse(second.gatePassed());
    assertEquals(
        List.of(reported.trial().id() + "/predictions/a.tif"),
        taken.outputs().get("predictions").stream().map(OutputEntry::relpath).toList());
    assertEquals(Map.of("scripts/a.sh", "#!/bin/bash\n"), taken.files());
    assertEquals("lsf bsub", taken.scheduler());
    assertFalse(taken.message().contains("\n") || taken.message().contains("\u001b"));
  }
}
