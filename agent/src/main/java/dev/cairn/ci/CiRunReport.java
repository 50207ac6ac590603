package dev.cairn.ci;

import dev.cairn.config.QualityGate;
import dev.cairn.git.GitClone;
import dev.cairn.model.JobRecord;
import dev.cairn.model.RunStatus;
import dev.cairn.model.StoreKeys;
import dev.cairn.report.Doc;
import dev.cairn.report.MetricsText;
import dev.cairn.report.ReportDoc;
import dev.cairn.report.Reports;
import dev.cairn.report.RunHistory;
import dev.cairn.report.RunReport;
import dev.cairn.report.TextWriter;
import dev.cairn.report.TrialResult;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.eclipse.jgit.treewalk.filter.PathFilter;
import org.jspecify.annotations.Nullable;

/**
 * The run's report as {@code ci await} leaves it for GitLab: {@code report.md}, {@code report.html}
 * and the charts taken from the results commit in the clone that {@code ci await} verifies results
 * in (built from status.json alone, without baseline or curves, when Git cannot be read), {@code
 * metrics.txt} for the metrics report, and the leaderboard in the job log.
 */
public final class CiRunReport {
  private static final int MAX_FILE = 16 << 20;

  private CiRunReport() {}

  /**
   * What was read: the run, its baseline, and the report's files by path under the run's folder.
   */
  private record Found(RunReport run, @Nullable RunReport baseline, Map<String, byte[]> files) {}

  /**
   * @param results a fetched clone of the experiment repository, or null where there is none
   */
  public static void write(
      PrintWriter out, RunStatus status, @Nullable GitClone results, Path reportDir, Path metrics)
      throws IOException {
    Found found = null;
    if (status.resultsCommit() != null && results != null) {
      try {
        found = fromGit(results.repository(), status);
      } catch (IOException | RuntimeException e) {
        out.println(
            "cairn: cannot read the results commit from "
                + results.remoteForMessages()
                + " ("
                + String.valueOf(e.getMessage()).lines().findFirst().orElse("")
                + "); the report is built from the status alone");
      }
    }
    if (found == null) {
      RunReport run = fromStatus(status);
      found = new Found(run, null, Reports.files(run, null));
    }
    Files.createDirectories(reportDir);
    for (Map.Entry<String, byte[]> f : found.files().entrySet()) {
      Path target = reportDir.resolve(f.getKey()).normalize();
      if (target.startsWith(reportDir.normalize())) {
        Files.createDirectories(target.getParent());
        Files.write(target, f.getValue());
      }
    }
    CiReports.write(metrics, MetricsText.render(found.run()));
    Doc doc = new Doc().heading(2, "Leaderboard");
    ReportDoc.leaderboards(doc, List.of(found.run()), found.baseline());
    if (found.baseline() != null) {
      doc.heading(2, "Compared with " + found.baseline().runId());
      ReportDoc.deltas(doc, found.run(), found.baseline());
    }
    out.println();
    out.print(TextWriter.write(doc));
    out.println(
        "report: "
            + reportDir.resolve(Reports.HTML)
            + ", "
            + reportDir.resolve(Reports.MARKDOWN)
            + "; metrics: "
            + metrics);
  }

  private static Found fromGit(Repository repo, RunStatus status) throws IOException {
    ObjectId sha = ObjectId.fromString(status.resultsCommit());
    String dir = StoreKeys.resultsDir(status.runId()) + "/";
    Map<String, byte[]> files = new LinkedHashMap<>();
    try (RevWalk walk = new RevWalk(repo);
        TreeWalk tree = new TreeWalk(repo)) {
      RevCommit commit = walk.parseCommit(sha);
      tree.addTree(commit.getTree());
      tree.setRecursive(true);
      tree.setFilter(PathFilter.create(dir.substring(0, dir.length() - 1)));
      while (tree.next()) {
        String rel = tree.getPathString().substring(dir.length());
        if (rel.equals(Reports.MARKDOWN)
            || rel.equals(Reports.HTML)
            || rel.startsWith(Reports.CHARTS)) {
          files.put(rel, repo.open(tree.getObjectId(0)).getCachedBytes(MAX_FILE));
        }
      }
      List<RunReport> history = RunHistory.read(repo, commit);
      RunReport run = RunHistory.find(history, status.runId());
      if (run == null || !files.containsKey(Reports.HTML)) {
        throw new IOException(status.resultsCommit() + " has no report of " + status.runId());
      }
      return new Found(run, RunHistory.baselineOf(run, history), files);
    }
  }

  /**
   * The run as status.json tells it: metrics, gates, elapsed time and err tails; no params or
   * curves.
   */
  public static RunReport fromStatus(RunStatus status) {
    List<TrialResult> trials = new ArrayList<>();
    for (JobRecord j : status.jobs()) {
      QualityGate gate = j.gate();
      trials.add(
          TrialResult.builder(j.task(), j.task(), j.state().name())
              .metrics(j.metrics())
              .gate(gate == null ? null : gate.toString())
              .gateMetric(gate == null ? null : gate.metric())
              .higherIsBetter(gate == null || gate.operator().startsWith(">"))
              .passed(j.gatePassed())
              .elapsedS(j.elapsedS())
              .cpuSeconds(j.cpuS())
              .gpus(j.gpus())
              .maxRssMb(j.maxRssMb())
              .errTail(j.errTail())
              .cluster(j.cluster())
              .build());
    }
    return new RunReport(
        status.runId(),
        status.commit(),
        status.resultsCommit(),
        null,
        status.state().name(),
        status.message(),
        null,
        status.updatedAt(),
        null,
        trials);
  }
}
