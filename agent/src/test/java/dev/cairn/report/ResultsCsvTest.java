package dev.cairn.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;

/** results.csv read back by an independent CSV reader lands in the leaderboard's columns. */
class ResultsCsvTest {
  @Test
  void write_roundTripsIntoTheLeaderboardsColumns() throws Exception {
    List<TrialResult> trials = new ArrayList<>();
    for (TrialResult t : MatrixTest.sweep().trials()) {
      Map<String, String> p = new LinkedHashMap<>(t.params());
      p.put("EXPERIMENT_NAME", "a,\"quoted\" name");
      if (trials.isEmpty()) {
        p.put("SPLITS", "fold1");
      }
      trials.add(
          TrialResult.builder(t.trialId(), t.task(), t.state())
              .params(p)
              .metrics(t.metrics())
              .gate(t.gate())
              .gateMetric(t.gateMetric())
              .higherIsBetter(t.higherIsBetter())
              .passed(t.passed())
              .elapsedS(t.elapsedS())
              .cpuSeconds(t.cpuSeconds())
              .gpus(t.gpus())
              .cpus(t.cpus())
              .maxRssMb(t.maxRssMb())
              .build());
    }
    Map<String, String> hostile = trials.get(0).params();
    trials.add(
        TrialResult.builder("failed", "biomass", "FAILED")
            .params(hostile)
            .higherIsBetter(true)
            .errTail("boom")
            .build());
    RunReport run =
        new RunReport("run-a", "aaaa", null, "main", "SUCCEEDED", null, null, null, null, trials);

    List<CSVRecord> rows =
        CSVFormat.RFC4180
            .builder()
            .setHeader()
            .setSkipHeaderRecord(true)
            .get()
            .parse(new StringReader(ResultsCsv.write(run)))
            .getRecords();

    assertEquals(12, rows.size(), "one row per completed trial, the failed one left out");
    assertEquals(ResultsCsv.COLUMNS, rows.get(0).getParser().getHeaderNames());
    CSVRecord r = rows.get(0);
    assertEquals("crop_classification", r.get("dataset"));
    assertEquals("test/mIoU", r.get("Metric"));
    assertEquals("a,\"quoted\" name", r.get("experiment_name"));
    assertEquals("fold1", r.get("partition name"));
    assertEquals("prithvi_eo_v2_300", r.get("backbone"));
    assertEquals("full_ft", r.get("frozen_or_full_ft"));
    assertEquals("1", r.get("n_trials"), "one configuration of that backbone and task");
    assertEquals("1", r.get("Seed"));
    assertEquals("1e-4", r.get("lr"));
    assertEquals(0.80, Double.parseDouble(r.get("test metric")), 1e-12);
    assertEquals("1.00x train", rows.get(1).get("partition name"));
    assertEquals("biomass", rows.get(11).get("dataset"));
    assertEquals("test/RMSE", rows.get(11).get("Metric"));
  }
}
