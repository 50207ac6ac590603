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
        JobRecord.builder("crop_classification")
            .schedulerId("11")
            .state(JobState.COMPLETED)
            .attempts(1)
            .exitCode(0)
            .elapsedS(80L)
            .cpuS(70L)
            .maxRssMb(90L)
            .gpus(0)
            .metrics(Map.of("test/mIoU", 0.41))
            .gate(new QualityGate("test/mIoU", ">=", 0.3))
            .gatePassed(true)
            .build();
    JobRecord bio =
        JobRecord.builder("biomass")
            .schedulerId("12")
            .state(JobState.FAILED)
            .reason("NonZeroExitCode")
            .attempts(3)
            .exitCode(1)
            .elapsedS(20L)
            .cpuS(10L)
            .maxRssMb(80L)
            .gpus(0)
            .gate(new QualityGate("test/RMSE", "<=", 40))
            .errTail("Traceback\nValueError: <bad> | value")
            .build();
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
