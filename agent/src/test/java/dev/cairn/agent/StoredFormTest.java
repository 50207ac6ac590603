package dev.cairn.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.Json;
import org.junit.jupiter.api.Test;

/** Each step of the run record's migrations, on the JSON tree, and the order they run in. */
class StoredFormTest {
  private static final String COMMIT = "ab".repeat(20);

  private static ObjectNode record(String json) throws Exception {
    return (ObjectNode) Json.MAPPER.readTree(json.replace('\'', '"'));
  }

  @Test
  void withRunIdAndTimes_namesTheRunByItsKeyAndTakesTheLastUpdateForBothTimes() throws Exception {
    ObjectNode run =
        record(
            "{'request': {'commit': '"
                + COMMIT
                + "', 'attempt': 3},"
                + " 'updated_at': '2026-12-01T10:30:00Z'}");
    StoredForm.withRunIdAndTimes(run);
    assertEquals(COMMIT + "-a3", run.get("run_id").asText());
    assertEquals("2026-12-01T10:30:00Z", run.get("created_at").asText());
    assertEquals("2026-12-01T10:30:00Z", run.get("updated_at").asText());
  }

  @Test
  void withRunIdAndTimes_givesARecordWithoutAttemptOrTimesTheFirstAttemptAndTheEpoch()
      throws Exception {
    ObjectNode run = record("{'request': {'commit': '" + COMMIT + "'}}");
    StoredForm.withRunIdAndTimes(run);
    assertEquals(COMMIT + "-a1", run.get("run_id").asText());
    assertEquals("1970-01-01T00:00:00Z", run.get("created_at").asText());
    assertEquals("1970-01-01T00:00:00Z", run.get("updated_at").asText());
  }

  @Test
  void withRunIdAndTimes_keepsWhatTheRecordHas() throws Exception {
    String json =
        "{'run_id': 'r1', 'request': {'commit': '"
            + COMMIT
            + "'},"
            + " 'created_at': '2026-12-01T10:00:00Z', 'updated_at': '2026-12-01T10:30:00Z'}";
    ObjectNode run = record(json);
    StoredForm.withRunIdAndTimes(run);
    assertEquals(record(json), run);
  }

  @Test
  void withTrials_namesAJobWithoutATrialByItsTaskWithNoValuesOrResources() throws Exception {
    ObjectNode run =
        record(
            "{'jobs': [{'task': 'landslide'},"
                + " {'task': 'crop', 'trial': 'crop-t1', 'values': {'LR': '1'},"
                + " 'resources': {'GPUS': '2'}}]}");
    StoredForm.withTrials(run);
    assertEquals(
        record(
            "{'jobs': [{'task': 'landslide', 'trial': 'landslide', 'values': {}, 'resources': {}},"
                + " {'task': 'crop', 'trial': 'crop-t1', 'values': {'LR': '1'},"
                + " 'resources': {'GPUS': '2'}}]}"),
        run);
  }

  @Test
  void withStages_givesAJobWithoutAStageTheOneThatTrainsAndEvaluates() throws Exception {
    ObjectNode run = record("{'jobs': [{'task': 'a'}, {'task': 'b', 'stage': 'train'}]}");
    StoredForm.withStages(run);
    assertEquals(
        record("{'jobs': [{'task': 'a', 'stage': 'all'}, {'task': 'b', 'stage': 'train'}]}"), run);
  }

  @Test
  void current_runsEveryStepOfSchemaOneAndNamesSchemaTwo() throws Exception {
    ObjectNode run =
        record(
            "{'schema': 1, 'request': {'commit': '"
                + COMMIT
                + "'},"
                + " 'created_at': '2026-12-01T10:00:00Z', 'jobs': [{'task': 'landslide'}]}");
    StoredForm.current(run);
    assertEquals(
        record(
            "{'schema': 2, 'request': {'commit': '"
                + COMMIT
                + "'},"
                + " 'created_at': '2026-12-01T10:00:00Z', 'jobs': [{'task': 'landslide',"
                + " 'trial': 'landslide', 'values': {}, 'resources': {}, 'stage': 'all'}],"
                + " 'run_id': '"
                + COMMIT
                + "-a1', 'updated_at': '2026-12-01T10:00:00Z'}"),
        run);
  }

  @Test
  void current_takesARecordThatNamesNoSchemaForTheFirst() throws Exception {
    ObjectNode run = record("{'request': {'commit': '" + COMMIT + "'}, 'jobs': []}");
    StoredForm.current(run);
    assertEquals(2, run.get("schema").asInt());
    assertEquals(COMMIT + "-a1", run.get("run_id").asText());
  }

  @Test
  void current_leavesARecordOfTheCurrentSchemaAsItIs() throws Exception {
    String json = "{'schema': 2, 'request': {'commit': '" + COMMIT + "'}, 'jobs': [{}]}";
    ObjectNode run = record(json);
    StoredForm.current(run);
    assertEquals(record(json), run);
  }

  @Test
  void current_refusesARecordOfANewerSchema() throws Exception {
    ObjectNode run = record("{'schema': 3}");
    assertThrows(IllegalArgumentException.class, () -> StoredForm.current(run));
  }
}
