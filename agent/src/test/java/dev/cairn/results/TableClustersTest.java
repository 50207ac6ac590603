package dev.cairn.results;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.cairn.model.JobRecord;
import dev.cairn.model.JobState;
import dev.cairn.model.RunState;
import dev.cairn.model.RunStatus;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** The status table of a run whose trials go to several clusters. */
class TableClustersTest {

  private static JobRecord job(String task, JobState state, @Nullable String cluster) {
    return JobRecord.builder(task)
        .schedulerId("1")
        .state(state)
        .attempts(1)
        .elapsedS(30L)
        .gpus(0)
        .stage("all")
        .cluster(cluster)
        .build();
  }

  private static RunStatus status(List<JobRecord> jobs) {
    return new RunStatus(
        1, "a".repeat(40), "r1", 1, RunState.RUNNING, null, "2026-12-07T12:00:00Z", jobs, null);
  }

  @Test
  void render_showsTheClusterColumnWhenTheRunRoutes() {
    String table =
        Table.render(
            status(
                List.of(
                    job("crop_classification", JobState.RUNNING, "default"),
                    job("biomass", JobState.PENDING, "lsf"))));
    assertEquals(
        "run r1 (commit aaaaaaaa): RUNNING\n"
            + "  task                 cluster  state    attempts  metric  gate  elapsed  peak mem\n"
            + "  crop_classification  default  RUNNING  1         -       -     30 s     -\n"
            + "  biomass              lsf      PENDING  1         -       -     30 s     -",
        table);
  }

  @Test
  void render_withoutClustersHasNoClusterColumn() {
    String table = Table.render(status(List.of(job("biomass", JobState.RUNNING, null))));
    assertFalse(table.contains("cluster"), table);
  }
}
