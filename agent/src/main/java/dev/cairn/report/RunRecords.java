package dev.cairn.report;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.Json;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The report's part of a results commit's {@code run.json}: what each job entry carries beyond its
 * state and metrics (trial, params, gate, resources, curve), and reading a {@link RunReport} back.
 */
public final class RunRecords {
  /** The state of a trial whose record names none. */
  static final String UNKNOWN_STATE = "UNKNOWN";

  private RunRecords() {}

  /** The fields a job entry of {@code run.json} gets for the report. */
  public static Map<String, Object> jobFields(TrialResult t) {
    Map<String, Object> j = new LinkedHashMap<>();
    j.put("trial", t.trialId());
    j.put("task", t.task());
    j.put("params", t.params());
    j.put("gate", t.gate());
    j.put("gate_metric", t.gateMetric());
    j.put("higher_is_better", t.higherIsBetter());
    j.put("gate_passed", t.passed());
    j.put("elapsed_s", t.elapsedS());
    j.put("cpu_s", t.cpuSeconds());
    j.put("gpus", t.gpus());
    j.put("cpus", t.cpus());
    j.put("max_rss_mb", t.maxRssMb());
    j.put("err_tail", t.errTail());
    j.put("curve", t.curve());
    return j;
  }

  /**
   * A run from the bytes of its {@code run.json}; {@code resultsCommit} may be null.
   *
   * @throws IOException when it is not JSON or names no {@code run_id}
   */
  public static RunReport parse(byte[] runJson, @Nullable String resultsCommit) throws IOException {
    return parse(runJson, resultsCommit, null);
  }

  /**
   * As {@link #parse(byte[], String)}, a {@code run.json} without {@code run_id} taking {@code
   * runId} (the folder that holds it) where that is not null.
   */
  static RunReport parse(byte[] runJson, @Nullable String resultsCommit, @Nullable String runId)
      throws IOException {
    JsonNode root = Json.MAPPER.readTree(runJson);
    String id = text(root, "run_id");
    if (id == null) {
      id = runId;
    }
    if (id == null) {
      throw new IOException("run.json names no run_id");
    }
    List<TrialResult> trials = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = root.path("jobs").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      trials.add(trial(e.getKey(), e.getValue()));
    }
    return new RunReport(
        id,
        text(root, "config_commit"),
        resultsCommit,
        text(root, "branch"),
        text(root, "state"),
        text(root, "message"),
        text(root, "subject"),
        text(root, "finished_at"),
        text(root, "baseline"),
        trials);
  }

  private static TrialResult trial(String key, JsonNode j) {
    Map<String, String> params = new LinkedHashMap<>();
    j.path("params").fields().forEachRemaining(p -> params.put(p.getKey(), p.getValue().asText()));
    Map<String, Double> metrics = new LinkedHashMap<>();
    j.path("metrics")
        .fields()
        .forEachRemaining(
            m -> {
              if (m.getValue().isNumber()) {
                metrics.put(m.getKey(), m.getValue().asDouble());
              }
            });
    List<EpochRow> curve = new ArrayList<>();
    for (JsonNode row : j.path("curve")) {
      Map<String, Double> values = new LinkedHashMap<>();
      row.path("values")
          .fields()
          .forEachRemaining(v -> values.put(v.getKey(), v.getValue().asDouble()));
      curve.add(new EpochRow(row.path("epoch").asInt(), values));
    }
    String gate = text(j, "gate");
    String gateMetric = text(j, "gate_metric");
    if (gateMetric == null && gate != null) {
      gateMetric = gate.split("[<>=]", 2)[0].strip();
    }
    boolean higher =
        j.has("higher_is_better")
            ? j.get("higher_is_better").asBoolean()
            : gate == null || gate.contains(">");
    return new TrialResult(
        j.hasNonNull("trial") ? j.get("trial").asText() : key,
        j.hasNonNull("task") ? j.get("task").asText() : key,
        params,
        Objects.requireNonNullElse(text(j, "state"), UNKNOWN_STATE),
        metrics,
        gate,
        gateMetric,
        higher,
        j.hasNonNull("gate_passed") ? j.get("gate_passed").asBoolean() : null,
        number(j, "elapsed_s"),
        number(j, "cpu_s"),
        j.hasNonNull("gpus") ? j.get("gpus").asInt() : null,
        j.hasNonNull("cpus") ? j.get("cpus").asInt() : null,
        number(j, "max_rss_mb"),
        text(j, "err_tail"),
        curve);
  }

  private static @Nullable String text(JsonNode node, String field) {
    JsonNode v = node.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }

  private static @Nullable Long number(JsonNode node, String field) {
    JsonNode v = node.get(field);
    return v == null || !v.isNumber() ? null : v.asLong();
  }
}
