package dev.cairn.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A run whose trials two clusters ran: their clusters and what each cluster spent. */
class ClustersReportTest {

  private static TrialResult trial(String id, String task, int gpus, long elapsed, String cluster) {
    return TrialResult.builder(id, task, "COMPLETED")
        .params(Samples.params("1e-4"))
        .metrics(Map.of("test/mIoU", 0.5))
        .gate("test/mIoU>=0.3")
        .gateMetric("test/mIoU")
        .higherIsBetter(true)
        .passed(true)
        .elapsedS(elapsed)
        .gpus(gpus)
        .cpus(4)
        .maxRssMb(300L)
        .cluster(cluster)
        .build();
  }

  /** Two trials on the department's SLURM (no GPU), two on the LSF GPU cluster. */
  static RunReport routed() {
    return new RunReport(
        "20261207-x-aaaaaaaaaaaa-a1",
        "a".repeat(40),
        null,
        "main",
        "SUCCEEDED",
        "4 of 4 trial(s) completed",
        "Route the 600M to the GPU centre",
        "2026-12-07T12:00:00Z",
        null,
        List.of(
            trial("crop-300", "crop_classification", 0, 3600, "default"),
            trial("landslide-300", "landslide", 0, 1800, "default"),
            trial("crop-600", "crop_classification", 2, 3600, "lsf"),
            trial("landslide-600", "landslide", 1, 7200, "lsf")));
  }

  @Test
  void costs_perClusterInGpuHoursOrCpuHoursWhereNoTrialHadAGpu() {
    List<Clusters.Cost> costs = Clusters.costs(routed().trials());
    assertEquals(2, costs.size());
    Clusters.Cost slurm = costs.get(0);
    assertEquals("default", slurm.cluster());
    assertEquals(2, slurm.trials());
    assertEquals(5400L, slurm.elapsedS());
    assertEquals("CPU-hours", slurm.unit());
    // 4 CPUs x 1.5 h
    assertEquals(6.0, slurm.hours(), 1e-9);
    Clusters.Cost lsf = costs.get(1);
    assertEquals("GPU-hours", lsf.unit());
    // 2 GPUs x 1 h + 1 GPU x 2 h
    assertEquals(4.0, lsf.hours(), 1e-9);
    assertEquals(10800L, lsf.elapsedS());
  }

  @Test
  void report_showsEachTrialsClusterAndTheCostPerCluster() {
    String md =
        new String(Reports.files(routed(), null).get(Reports.MARKDOWN), StandardCharsets.UTF_8);
    assertTrue(md.contains("| rank | trial | cluster | metric |"), md);
    assertTrue(md.contains("| crop-600 | lsf |"), md);
    assertTrue(md.contains("| trial | cluster | state | elapsed |"), md);
    assertTrue(md.contains("Cost per cluster"), md);
    assertTrue(md.contains("| default | 2 | 90 min 00 s | 6.0000 CPU-hours |"), md);
    assertTrue(md.contains("| lsf | 2 | 180 min 00 s | 4.0000 GPU-hours |"), md);
    String html =
        new String(Reports.files(routed(), null).get(Reports.HTML), StandardCharsets.UTF_8);
    assertTrue(html.contains("4.0000 GPU-hours"), html);
  }

  @Test
  void report_ofARunWithoutClustersNamesNone() {
    RunReport plain = Samples.run("r1", "b".repeat(40), "1e-4", 0.5, 30.0, "2026-12-07T12:00:00Z");
    String md = MarkdownWriter.write(ReportDoc.of(plain, null, Set.of()));
    assertFalse(md.contains("cluster"), md);
    assertFalse(Clusters.routed(List.of(plain)));
  }

  @Test
  void compare_listsClustersInTheLeaderboardAndEachRunsCostPerCluster() {
    RunReport plain = Samples.run("r0", "b".repeat(40), "1e-4", 0.5, 30.0, "2026-12-06T12:00:00Z");
    String md = MarkdownWriter.write(Comparisons.compare(List.of(plain, routed())));
    assertTrue(md.contains("## Cost per cluster"), md);
    assertTrue(md.contains("| 20261207-x-aaaaaaaaaaaa-a1 | lsf | 2 | 180 min 00 s |"), md);
    // the run without clusters shows as one row without a name
    assertTrue(md.contains("| r0 | - | 2 |"), md);
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> clusters =
        (List<Map<String, Object>>) Comparisons.runsData(List.of(routed())).get(0).get("clusters");
    assertEquals("lsf", clusters.get(1).get("cluster"));
    assertEquals(4.0, (Double) clusters.get(1).get("cost_hours"), 1e-9);
    assertFalse(Comparisons.runsData(List.of(plain)).get(0).containsKey("clusters"));
  }

  @Test
  void runJson_readsEachTrialsClusterBack() throws Exception {
    String json =
        "{\"run_id\":\"r\",\"jobs\":{\"t\":{\"task\":\"crop_classification\","
            + "\"state\":\"COMPLETED\",\"cluster\":\"lsf\"},\"u\":{\"task\":\"landslide\","
            + "\"state\":\"COMPLETED\"}}}";
    RunReport read = RunRecords.parse(json.getBytes(StandardCharsets.UTF_8), null);
    assertEquals("lsf", read.trials().get(0).cluster());
    assertEquals(null, read.trials().get(1).cluster());
  }
}
