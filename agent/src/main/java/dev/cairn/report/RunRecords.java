package dev.cairn.report;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.Json;
import dev.cairn.model.EarlyStopRecord;
import dev.cairn.model.RungDecision;
import dev.cairn.model.Verdict;
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
 * state and metrics (trial, params, gate, resources, curve), its {@code early_stop} record, and
 * reading a {@link RunReport} back. A {@code run.json} written before a part existed reads without
 * it.
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
   * The {@code early_stop} entry of {@code run.json}: the rules, every decision, the epochs planned
   * and trained, the training time spent and saved (seconds, and hours in the run's cost unit) and
   * the share of the full grid's estimate spent.
   */
  public static Map<String, Object> earlyStopFields(RunReport run, EarlyStopRecord record) {
    Map<String, Object> e = new LinkedHashMap<>();
    e.put("min_epochs", record.minEpochs());
    e.put("reduction", record.reduction());
    List<Map<String, Object>> rules = new ArrayList<>();
    for (EarlyStopRecord.Rule r : record.rules()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("task", r.task());
      m.put("metric", r.metric());
      m.put("higher_is_better", r.higherIsBetter());
      m.put("rungs", r.rungs());
      rules.add(m);
    }
    e.put("rules", rules);
    List<Map<String, Object>> decisions = new ArrayList<>();
    for (RungDecision d : record.decisions()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("trial", d.trialId());
      m.put("rung", d.rung());
      m.put("value", jsonNumber(d.value()));
      m.put("cutoff", jsonNumber(d.cutoff()));
      m.put("competitors", d.competitors());
      m.put("verdict", d.verdict().name());
      m.put("at", d.at());
      decisions.add(m);
    }
    e.put("decisions", decisions);
    e.put("trials_stopped", record.stopped());
    e.put("epochs_planned", record.epochsPlanned());
    e.put("epochs_run", record.epochsRun());
    e.put("epoch_share", record.epochShare());
    e.put("seconds_spent", record.secondsSpent());
    e.put("seconds_saved", record.secondsSaved());
    EarlyStops.Hours h = EarlyStops.hours(run, record);
    e.put("cost_unit", h.unit());
    e.put("hours_spent", h.spent());
    e.put("hours_saved", h.saved());
    e.put("full_grid_hours", h.fullGrid());
    e.put("spent_share", h.spentShare());
    return e;
  }

  /** A value JSON can hold: NaN (a metric that was not a number) as the string "NaN". */
  private static @Nullable Object jsonNumber(@Nullable Double v) {
    return v != null && v.isNaN() ? "NaN" : v;
  }

  /** The {@code early_stop} entry read back; null where there is none (a run without it). */
  static @Nullable EarlyStopRecord earlyStop(JsonNode root) {
    JsonNode e = root.get("early_stop");
    if (e == null || !e.isObject()) {
      return null;
    }
    List<EarlyStopRecord.Rule> rules = new ArrayList<>();
    for (JsonNode r : e.path("rules")) {
      List<Integer> rungs = new ArrayList<>();
      r.path("rungs").forEach(n -> rungs.add(n.asInt()));
      rules.add(
          new EarlyStopRecord.Rule(
              Objects.requireNonNullElse(text(r, "task"), ""),
              Objects.requireNonNullElse(text(r, "metric"), ""),
              r.path("higher_is_better").asBoolean(true),
              rungs));
    }
    List<RungDecision> decisions = new ArrayList<>();
    for (JsonNode d : e.path("decisions")) {
      String trial = text(d, "trial");
      Verdict verdict = verdict(text(d, "verdict"));
      // a decision this version cannot read is left out, never the run
      if (trial == null || verdict == null) {
        continue;
      }
      decisions.add(
          new RungDecision(
              trial,
              d.path("rung").asInt(),
              decimal(d, "value"),
              decimal(d, "cutoff"),
              d.path("competitors").asInt(),
              verdict,
              Objects.requireNonNullElse(text(d, "at"), "")));
    }
    return new EarlyStopRecord(
        e.path("min_epochs").asInt(),
        e.path("reduction").asInt(),
        rules,
        decisions,
        e.path("epochs_planned").asLong(),
        e.path("epochs_run").asLong(),
        e.path("seconds_spent").asDouble(),
        e.path("seconds_saved").asDouble());
  }

  private static @Nullable Verdict verdict(@Nullable String name) {
    for (Verdict v : Verdict.values()) {
      if (v.name().equals(name)) {
        return v;
      }
    }
    return null;
  }

  private static @Nullable Double decimal(JsonNode node, String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (v.isNumber()) {
      return v.asDouble();
    }
    return "NaN".equals(v.asText()) ? Double.NaN : null;
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
        trials,
        earlyStop(root));
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
    return TrialResult.builder(
            j.hasNonNull("trial") ? j.get("trial").asText() : key,
            j.hasNonNull("task") ? j.get("task").asText() : key,
            Objects.requireNonNullElse(text(j, "state"), UNKNOWN_STATE))
        .params(params)
        .metrics(metrics)
        .gate(gate)
        .gateMetric(gateMetric)
        .higherIsBetter(higher)
        .passed(j.hasNonNull("gate_passed") ? j.get("gate_passed").asBoolean() : null)
        .elapsedS(number(j, "elapsed_s"))
        .cpuSeconds(number(j, "cpu_s"))
        .gpus(j.hasNonNull("gpus") ? j.get("gpus").asInt() : null)
        .cpus(j.hasNonNull("cpus") ? j.get("cpus").asInt() : null)
        .maxRssMb(number(j, "max_rss_mb"))
        .errTail(text(j, "err_tail"))
        .curve(curve)
        .cluster(text(j, "cluster"))
        .build();
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
