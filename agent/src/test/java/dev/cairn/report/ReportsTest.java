package dev.cairn.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class ReportsTest {
  @Test
  void files_holdMarkdownLinkingEveryChart_aSelfContainedPage_andSmallPngs() throws Exception {
    RunReport before = Samples.run("run-a", "aaaa1111", "5e-3", 0.40, 40.0, "2026-11-25T01:00:00Z");
    RunReport after = Samples.run("run-b", "bbbb2222", "1e-2", 0.50, 44.0, "2026-11-25T02:00:00Z");
    Map<String, byte[]> files = Reports.files(after, before);
    assertEquals(
        List.of(
            "report.md",
            "results.csv",
            "report.html",
            "charts/curves-crop_classification.png",
            "charts/curves-biomass.png",
            "charts/cost.png"),
        List.copyOf(files.keySet()));
    String md = new String(files.get("report.md"), StandardCharsets.UTF_8);
    String html = new String(files.get("report.html"), StandardCharsets.UTF_8);
    for (String name : files.keySet()) {
      if (name.startsWith("charts/")) {
        assertTrue(md.contains("](" + name + ")"), name + " linked from report.md");
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(files.get(name)));
        assertEquals(640, image.getWidth());
        assertEquals(400, image.getHeight());
        assertTrue(files.get(name).length < 200_000, name + " is small");
      }
    }
    assertEquals(
        3, html.split("src=\"data:image/png;base64,", -1).length - 1, "every chart inlined");
    assertFalse(html.contains("src=\"http"), "nothing loaded from a host");
    assertTrue(
        md.contains(
            "Baseline: run-a (config commit aaaa1111, the previous successful run on this branch)."),
        md);
    assertTrue(
        md.contains(
            "| crop_classification | test/mIoU | 0.4000 | 0.5000 | +0.1000 (+25.0 %) | better |"),
        md);
    assertTrue(
        md.contains("| biomass | test/RMSE | 40.0000 | 44.0000 | +4.0000 (+10.0 %) | worse |"), md);
    assertTrue(md.contains("| LEARNING_RATE | 5e-3 | 1e-2 |"), md);
    String again =
        new String(Reports.files(after, before).get("report.md"), StandardCharsets.UTF_8);
    assertEquals(md, again, "the same run gives the same report");
    String dir = System.getProperty("cairn.reportSample");
    if (dir != null) {
      for (Map.Entry<String, byte[]> f : files.entrySet()) {
        Path p = Path.of(dir).resolve(f.getKey());
        Files.createDirectories(p.getParent());
        Files.write(p, f.getValue());
      }
    }
  }

  @Test
  void files_withoutBaselineOrCurves_sayWhatIsMissing_andListFailures() {
    TrialResult failed =
        Samples.trial("landslide", "landslide", "1e-4", "test/F1", ">=", null, "FAILED");
    RunReport run =
        new RunReport(
            "r",
            "cccc",
            null,
            "main",
            "FAILED",
            "landslide FAILED",
            null,
            null,
            null,
            List.of(
                TrialResult.builder(failed.trialId(), failed.task(), failed.state())
                    .params(failed.params())
                    .metrics(failed.metrics())
                    .gate(failed.gate())
                    .gateMetric(failed.gateMetric())
                    .higherIsBetter(true)
                    .errTail(failed.errTail())
                    .build()));
    Map<String, byte[]> files = Reports.files(run, null);
    String md = new String(files.get("report.md"), StandardCharsets.UTF_8);
    assertTrue(md.contains("Baseline: none (no earlier successful run on this branch)."), md);
    assertTrue(md.contains("No trial logged per-epoch metrics"), md);
    assertTrue(md.contains("```text\nTraceback\nRuntimeError: out of memory\n```"), md);
    assertEquals(
        List.of("report.md", "results.csv", "report.html", "charts/cost.png"),
        List.copyOf(files.keySet()));
  }

  @Test
  void notes_ofACompletedTrial_areListed() {
    TrialResult ok =
        Samples.trial("crop", "crop_classification", "1e-4", "test/mIoU", ">=", 0.5, "COMPLETED");
    TrialResult noted =
        TrialResult.builder(ok.trialId(), ok.task(), ok.state())
            .params(ok.params())
            .metrics(ok.metrics())
            .gate(ok.gate())
            .gateMetric(ok.gateMetric())
            .higherIsBetter(true)
            .passed(true)
            .notes("notes: plots missing: plot_predictions.py exited 1: no matplotlib")
            .build();
    RunReport run =
        new RunReport("r", "cccc", null, "main", "SUCCEEDED", "", null, null, null, List.of(noted));
    String md = new String(Reports.files(run, null).get("report.md"), StandardCharsets.UTF_8);
    assertTrue(
        md.contains("## Notes\n\ncrop: plots missing: plot_predictions.py exited 1: no matplotlib"),
        md);
  }
}
