package dev.cairn.ci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.config.QualityGate;
import dev.cairn.git.GitAuth;
import dev.cairn.git.GitClone;
import dev.cairn.model.JobRecord;
import dev.cairn.model.JobState;
import dev.cairn.model.RunState;
import dev.cairn.model.RunStatus;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ci await's report when Git cannot be read: built from status.json alone. */
class CiRunReportTest {
  @TempDir Path tmp;

  private static RunStatus status() {
    JobRecord crop =
        new JobRecord(
            "crop_classification",
            "11",
            JobState.COMPLETED,
            null,
            1,
            0,
            80L,
            70L,
            90L,
            0,
            null,
            null,
            Map.of("test/mIoU", 0.41),
            new QualityGate("test/mIoU", ">=", 0.3),
            true,
            List.of(),
            null,
            null,
            null,
            null,
            null,
            null,
            null);
    JobRecord bio =
        new JobRecord(
            "biomass",
            "12",
            JobState.FAILED,
            "NonZeroExitCode",
            3,
            1,
            20L,
            10L,
            80L,
            0,
            null,
            null,
            Map.of(),
            new QualityGate("test/RMSE", "<=", 40),
            null,
            List.of(),
            "Traceback\nValueError: <bad> | value",
            null,
            null,
            null,
            null,
            null,
            null);
    return new RunStatus(
        1,
        "a".repeat(40),
        "20261125-demo-aaaaaaaa",
        1,
        RunState.FAILED,
        "biomass FAILED",
        "2026-11-25T01:00:00Z",
        List.of(crop, bio),
        "b".repeat(40));
  }

  @Test
  void write_withoutGit_buildsTheReportFromTheStatus_andTheMetricsReport() throws Exception {
    StringWriter log = new StringWriter();
    Path dir = tmp.resolve("cairn-report");
    Path metrics = tmp.resolve("metrics.txt");
    CiRunReport.write(new PrintWriter(log, true), status(), null, dir, metrics);
    assertTrue(Files.isRegularFile(dir.resolve("report.md")));
    assertTrue(Files.readString(dir.resolve("report.html")).contains("&lt;bad&gt; | value"));
    assertTrue(Files.isRegularFile(dir.resolve("charts/cost.png")));
    assertEquals(
        "test_miou{task=\"crop_classification\",trial=\"crop_classification\"} 0.41\n"
            + "elapsed_seconds{task=\"crop_classification\",trial=\"crop_classification\"} 80\n"
            + "cpu_hours{task=\"crop_classification\",trial=\"crop_classification\"} 0.019444444444444445\n"
            + "elapsed_seconds{task=\"biomass\",trial=\"biomass\"} 20\n"
            + "cpu_hours{task=\"biomass\",trial=\"biomass\"} 0.002777777777777778\n",
        Files.readString(metrics));
    String out = log.toString();
    assertTrue(out.contains("== Leaderboard"), out);
    assertTrue(
        out.contains("1     crop_classification  test/mIoU = 0.4100  test/mIoU>=0.3  pass"), out);
    assertTrue(out.contains("1     biomass  test/RMSE = -"), out);
  }

  @Test
  void write_whenTheResultsCommitIsNotInTheClone_saysSoInOneLine_andStillWritesTheReport()
      throws Exception {
    Path remote = tmp.resolve("empty.git");
    Git.init().setBare(true).setDirectory(remote.toFile()).call().close();
    StringWriter log = new StringWriter();
    try (GitClone clone =
        GitClone.open(tmp.resolve("clone.git"), remote.toUri().toString(), GitAuth.none())) {
      CiRunReport.write(
          new PrintWriter(log, true), status(), clone, tmp.resolve("r"), tmp.resolve("m.txt"));
    }
    assertTrue(
        log.toString().startsWith("cairn: cannot read the results commit from "), log.toString());
    assertTrue(
        log.toString().contains("the report is built from the status alone"), log.toString());
    assertTrue(Files.isRegularFile(tmp.resolve("r/report.html")));
  }
}
