package dev.cairn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.ci.AwaitLines;
import dev.cairn.ci.CiReports;
import dev.cairn.config.QualityGate;
import dev.cairn.model.JobRecord;
import dev.cairn.model.JobState;
import dev.cairn.model.RunState;
import dev.cairn.model.RunStatus;
import dev.cairn.results.Table;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Reports of a sweep: one JUnit case per trial, a table and progress line that stay readable. */
class SweepReportsTest {
  static JobRecord job(String task, String trial, JobState state, Double f1) {
    return job(task, trial, state, f1, null);
  }

  static JobRecord job(String task, String trial, JobState state, Double f1, String stage) {
    Map<String, Double> metrics = f1 == null ? Map.of() : Map.of("test/F1", f1);
    return JobRecord.builder(task)
        .schedulerId("7_" + trial.hashCode())
        .state(state)
        .attempts(1)
        .exitCode(state == JobState.FAILED ? 1 : 0)
        .elapsedS(10L)
        .gpus(0)
        .metrics(metrics)
        .gate(QualityGate.of("test/F1>=0.5"))
        .gatePassed(f1 == null ? null : f1 >= 0.5)
        .trial(trial)
        .values(Map.of("GEOFM", "prithvi_eo_v2_300"))
        .resources(Map.of("partition", "gpu"))
        .stage(stage)
        .build();
  }

  static RunStatus fifty() {
    List<JobRecord> jobs = new ArrayList<>();
    String[] tasks = {"crop_classification", "landslide"};
    for (String task : tasks) {
      for (int i = 0; i < 25; i++) {
        JobState state = i < 20 ? JobState.COMPLETED : i < 23 ? JobState.RUNNING : JobState.FAILED;
        Double f1 = state == JobState.COMPLETED ? 0.4 + i / 50.0 : null;
        jobs.add(job(task, task + "-t" + i, state, f1));
      }
    }
    return new RunStatus(
        1, "abcdef0123", "20261201-p-abcdef01", 1, RunState.RUNNING, "50 trials", null, jobs, null);
  }

  @Test
  void junit_hasOneCasePerTrialNamedAfterItInItsTasksClass() {
    String xml = CiReports.junit(fifty(), null);
    assertTrue(xml.contains("tests=\"50\""), xml);
    assertTrue(
        xml.contains(
            "<testcase classname=\"cairn.20261201-p-abcdef01.landslide\" name=\"landslide-t3\""),
        xml);
  }

  @Test
  void table_groupsFiftyTrialsByTaskWithCountsPerState() {
    String table = Table.render(fifty());
    assertTrue(
        table.contains("  crop_classification: 25 trial(s): 20 COMPLETED, 2 FAILED, 3 RUNNING\n"),
        table);
    assertTrue(table.contains("landslide-t19"), table); // the best trial is listed
    assertTrue(!table.contains("landslide-t21 "), table); // running ones are only counted
    assertTrue(!table.contains("landslide-t10 "), table); // nor passing ones beyond the best
    assertTrue(table.contains("landslide-t4 "), table); // missed its gate
    assertTrue(!table.contains("landslide-t24 "), table); // beyond the five that did not pass
    assertTrue(table.lines().count() < 25, table);
  }

  @Test
  void table_countsTrialsStoppedEarly_andListsNoneOfThemAsNotPassing() {
    List<JobRecord> jobs = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      JobState state = i < 2 ? JobState.COMPLETED : i < 19 ? JobState.STOPPED : JobState.FAILED;
      jobs.add(job("landslide", "landslide-t" + i, state, i < 2 ? 0.6 + i / 100.0 : null));
    }
    String table =
        Table.render(
            new RunStatus(
                1, "abcdef0123", "20261201-p-abcdef01", 1, RunState.FAILED, "", null, jobs, null));
    assertTrue(
        table.contains("  landslide: 20 trial(s): 2 COMPLETED, 1 FAILED, 17 STOPPED\n"), table);
    assertTrue(table.contains("landslide-t19 "), table); // the failed one is listed
    assertTrue(!table.contains("STOPPED "), table); // the stopped ones are only counted
  }

  @Test
  void progress_countsStatesPerTaskForALargeSweep() {
    assertEquals(
        "run 20261201-p-abcdef01: RUNNING | crop_classification 25 trial(s): 20 COMPLETED, 2"
            + " FAILED, 3 RUNNING | landslide 25 trial(s): 20 COMPLETED, 2 FAILED, 3 RUNNING",
        AwaitLines.progress(fifty()));
  }

  @Test
  void status_keepsTrialsValuesAndResourcesThroughJson() throws Exception {
    RunStatus status = fifty();
    RunStatus read =
        dev.cairn.Json.MAPPER.readValue(
            dev.cairn.Json.MAPPER.writeValueAsBytes(status), RunStatus.class);
    assertEquals(status.jobs().get(3), read.jobs().get(3));
    assertEquals("crop_classification-t3", read.jobs().get(3).trial());
    assertEquals(Map.of("partition", "gpu"), read.jobs().get(3).resources());
    // a status written before sweeps has no trial: the task names the job
    String old =
        new String(dev.cairn.Json.MAPPER.writeValueAsBytes(status))
            .replaceAll("\"trial\"\\s*:\\s*\"[^\"]*\"\\s*,?", "");
    RunStatus before = dev.cairn.Json.MAPPER.readValue(old, RunStatus.class);
    assertEquals("crop_classification", before.jobs().get(0).trial());
  }

  @Test
  void table_listsASmallSweepOneTrialPerRow() {
    RunStatus small =
        new RunStatus(
            1,
            "abcdef0123",
            "r",
            1,
            RunState.SUCCEEDED,
            null,
            null,
            List.of(
                job("landslide", "landslide-a", JobState.COMPLETED, 0.6),
                job("landslide", "landslide-b", JobState.COMPLETED, 0.4)),
            null);
    String table = Table.render(small);
    assertTrue(table.contains("  trial        state"), table);
    assertTrue(table.contains("  landslide-b  COMPLETED"), table);
  }

  @Test
  void table_namesTheStageOfTrialsStillTrainingOrEvaluating() {
    List<JobRecord> jobs =
        List.of(
            job("landslide", "landslide-a", JobState.RUNNING, null, "train"),
            job("landslide", "landslide-b", JobState.PENDING, null, "evaluate"),
            job("landslide", "landslide-c", JobState.COMPLETED, 0.7, "evaluate"),
            job("landslide", "landslide-d", JobState.RUNNING, null, "all"));
    String table =
        Table.render(
            new RunStatus(
                1, "abcdef0123", "20261201-s-abcdef01", 1, RunState.RUNNING, "", null, jobs, null));
    assertTrue(table.contains("landslide-a  RUNNING (train) "), table);
    assertTrue(table.contains("landslide-b  PENDING (evaluate) "), table);
    assertTrue(table.contains("landslide-c  COMPLETED "), table);
    assertTrue(table.contains("landslide-d  RUNNING "), table);
  }
}
