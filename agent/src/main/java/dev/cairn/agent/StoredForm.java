package dev.cairn.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.plan.JobSpec;
import dev.cairn.plan.RunPlan;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;

/**
 * The forms of the run record written so far, and the steps that bring each to the current one
 * ({@value StoredRun#SCHEMA}) on the JSON tree, before it is bound to {@link StoredRun}.
 *
 * <p>Every release before schema 2 wrote {@code "schema": 1}, while the record grew: the run id and
 * its times, then trials (sweeps), then stages, then the throttle of a job array, then early
 * stopping. A schema-1 record is therefore told apart by what it lacks, and each step repairs one
 * lack and leaves a record that has it as it was. A record without {@code array_slots} needs no
 * step (its throttle stays unknown, which schema 2 says with no value), nor one without {@code
 * early_stop} or {@code epochs_run} (the run did not stop early). Schema 2 is schema 1's last form
 * with every one of those fields present.
 */
final class StoredForm {
  /** The steps from schema {@code i + 1} to {@code i + 2}, in the order they apply. */
  private static final List<List<Consumer<ObjectNode>>> UPGRADES =
      List.of(
          List.of(StoredForm::withRunIdAndTimes, StoredForm::withTrials, StoredForm::withStages));

  private StoredForm() {}

  /** The schema a record says it has; a record naming none is of the first. */
  static int schemaOf(JsonNode record) {
    return record.path("schema").asInt(1);
  }

  /**
   * The record in the current form: every step from its schema on, then the current schema number.
   * A record of the current schema comes back as it was; one of a newer schema is a bug to pass.
   */
  static ObjectNode current(ObjectNode record) {
    int schema = schemaOf(record);
    if (schema > StoredRun.SCHEMA) {
      throw new IllegalArgumentException(
          "a record of schema " + schema + " is newer than " + StoredRun.SCHEMA);
    }
    for (int s = Math.max(schema, 1); s < StoredRun.SCHEMA; s++) {
      UPGRADES.get(s - 1).forEach(step -> step.accept(record));
      record.put("schema", s + 1);
    }
    return record;
  }

  /**
   * Written before runs kept their id and times: the key (full commit and attempt), which names the
   * run too, is its id; without a receipt time the last update (or, without one, the epoch) stands
   * in for both.
   */
  static void withRunIdAndTimes(ObjectNode run) {
    if (!run.hasNonNull("run_id")) {
      JsonNode request = run.path("request");
      int attempt = request.path("attempt").asInt(1);
      run.put("run_id", RunPlan.key(request.path("commit").asText(""), attempt < 1 ? 1 : attempt));
    }
    if (!run.hasNonNull("updated_at")) {
      run.put(
          "updated_at",
          run.hasNonNull("created_at") ? run.get("created_at").asText() : Instant.EPOCH.toString());
    }
    if (!run.hasNonNull("created_at")) {
      run.put("created_at", run.get("updated_at").asText());
    }
  }

  /**
   * Written before sweeps: a job was its task's only one, named by the task, with no values of
   * swept keys and no resources of its own, as a task that does not sweep is recorded now.
   */
  static void withTrials(ObjectNode run) {
    for (ObjectNode job : jobs(run)) {
      if (!job.hasNonNull("trial")) {
        job.put("trial", job.path("task").asText(""));
      }
      if (!job.hasNonNull("values")) {
        job.putObject("values");
      }
      if (!job.hasNonNull("resources")) {
        job.putObject("resources");
      }
    }
  }

  /** Written before stages: one job trained and evaluated, the stage now named {@code all}. */
  static void withStages(ObjectNode run) {
    for (ObjectNode job : jobs(run)) {
      if (!job.hasNonNull("stage")) {
        job.put("stage", JobSpec.ALL);
      }
    }
  }

  private static List<ObjectNode> jobs(ObjectNode run) {
    JsonNode jobs = run.path("jobs");
    java.util.ArrayList<ObjectNode> objects = new java.util.ArrayList<>();
    jobs.forEach(
        j -> {
          if (j instanceof ObjectNode o) {
            objects.add(o);
          }
        });
    return objects;
  }
}
