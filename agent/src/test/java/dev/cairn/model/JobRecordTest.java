package dev.cairn.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.cairn.config.QualityGate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JobRecordTest {
  private static final JobRecord FULL =
      new JobRecord(
          "biomass",
          "77",
          JobState.COMPLETED,
          "done",
          2,
          0,
          300L,
          250L,
          900L,
          1,
          80L,
          12000L,
          Map.of("test/RMSE", 21.5),
          QualityGate.of("test/RMSE<=40"),
          true,
          List.of(new Attempt(1, "76", JobState.PREEMPTED, "Preempted", null, 120L)),
          "last lines",
          "biomass-lr1e-4",
          Map.of("LEARNING_RATE", "1e-4"),
          Map.of("gpus", "1"),
          "all",
          5,
          "lsf");

  @Test
  void toBuilder_copiesEveryField() {
    assertEquals(FULL, FULL.toBuilder().build());
  }

  @Test
  void builder_changesOnlyTheFieldsSet_onACopy() {
    JobRecord failed = FULL.toBuilder().state(JobState.FAILED).reason("gone").build();
    assertEquals(JobState.FAILED, failed.state());
    assertEquals("gone", failed.reason());
    assertEquals(JobState.COMPLETED, FULL.state());
    assertEquals(FULL.metrics(), failed.metrics());
    assertEquals(FULL.cluster(), failed.cluster());
  }

  @Test
  void builder_startsFromANewTrialNamedByItsTask() {
    JobRecord fresh = JobRecord.builder("landslide").build();
    assertEquals(JobState.NEW, fresh.state());
    assertEquals("landslide", fresh.trial());
    assertEquals(0, fresh.attempts());
    assertEquals(Map.of(), fresh.metrics());
    assertEquals(List.of(), fresh.history());
    assertNull(fresh.schedulerId());
    assertNull(fresh.cluster());
  }
}
