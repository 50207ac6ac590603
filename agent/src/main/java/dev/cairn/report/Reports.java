package dev.cairn.report;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The files of a run's report, as they go into {@code results/<run-id>/}: {@code report.md} (for
 * GitLab's repository view, charts linked relatively), {@code report.html} (one self-contained
 * page), {@code results.csv} (the GEO-Bench-2 leaderboard's columns) and {@code charts/*.png}.
 */
public final class Reports {
  public static final String MARKDOWN = "report.md";
  public static final String HTML = "report.html";
  public static final String CHARTS = "charts/";

  private Reports() {}

  /** The report files by path relative to the run's results folder. */
  public static Map<String, byte[]> files(RunReport run, @Nullable RunReport baseline) {
    Map<String, byte[]> charts = Charts.draw(run, baseline);
    Doc doc = ReportDoc.of(run, baseline, charts.keySet());
    Map<String, byte[]> files = new LinkedHashMap<>();
    files.put(MARKDOWN, MarkdownWriter.write(doc).getBytes(StandardCharsets.UTF_8));
    files.put(ResultsCsv.FILE, ResultsCsv.write(run).getBytes(StandardCharsets.UTF_8));
    files.put(
        HTML,
        HtmlWriter.write("Report: " + run.runId(), doc, charts).getBytes(StandardCharsets.UTF_8));
    charts.forEach((name, png) -> files.put(CHARTS + name, png));
    return files;
  }

  /** A file name made of letters, digits, '.', '_' and '-' only. */
  static String safeName(String name) {
    String s = name.replaceAll("[^A-Za-z0-9._-]", "_");
    return s.startsWith(".") ? "_" + s.substring(1) : s;
  }
}
