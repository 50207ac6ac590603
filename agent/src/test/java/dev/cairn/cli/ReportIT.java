package dev.cairn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.Json;
import dev.cairn.testing.AgentProcess;
import dev.cairn.testing.Fixtures;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two demo runs on one branch, the second with another learning rate: each results commit holds its
 * report with charts in Git, the second names the first as its baseline, {@code runs} and {@code
 * compare} print both, and report.html shows every chart in headless Chromium.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReportIT {
  @TempDir static Path tmp;
  static Path ws;
  static Path view;
  static String first;
  static String second;
  static String secondCommit;

  @BeforeAll
  static void twoRuns() throws Exception {
    ws = tmp.resolve("ws");
    Path log = tmp.resolve("demo.log");
    try (AgentProcess demo =
        AgentProcess.start(log, Map.of(), "demo", "--workspace", ws.toString())) {
      assertEquals(0, demo.waitFor(Duration.ofSeconds(180)), Files.readString(log));
    }
    Path researcher = ws.resolve("researcher");
    Fixtures.git(researcher, "pull", "-q", "--rebase", "origin", "main");
    Path config = researcher.resolve("config/config.env");
    Files.writeString(
        config,
        Files.readString(config).replaceAll("(?m)^LEARNING_RATE=.*$", "LEARNING_RATE=1e-2"));
    Fixtures.git(
        researcher,
        "-c",
        "user.name=Researcher",
        "-c",
        "user.email=r@example.org",
        "commit",
        "-qam",
        "Try a higher learning rate");
    Fixtures.git(researcher, "push", "-q", "origin", "main");
    secondCommit = Fixtures.git(researcher, "rev-parse", "HEAD").strip();
    Map<String, String> env =
        Map.of(
            "CAIRN_STORE", ws.resolve("store").toUri().toString(),
            "CAIRN_STATE_DIR", ws.resolve("agent").toString(),
            "CAIRN_REPO_DIR", ws.resolve("agent/repo").toString(),
            "CAIRN_REPO_REMOTE", ws.resolve("origin.git").toUri().toString(),
            "CAIRN_POLL_MIN_SECONDS", "1",
            "CAIRN_POLL_MAX_SECONDS", "2");
    Path submitLog = tmp.resolve("submit.log");
    try (AgentProcess submit =
        AgentProcess.start(
            submitLog,
            env,
            "ci",
            "submit",
            "--commit",
            secondCommit,
            "--branch",
            "main",
            "--config",
            config.toString(),
            "--templates",
            researcher.resolve("templates").toString(),
            "--dotenv",
            tmp.resolve("cairn-submit.env").toString())) {
      assertEquals(0, submit.waitFor(Duration.ofSeconds(60)), Files.readString(submitLog));
    }
    Path agentLog = tmp.resolve("agent.log");
    try (AgentProcess agent = AgentProcess.start(agentLog, env, "run", "--until-idle")) {
      assertEquals(0, agent.waitFor(Duration.ofSeconds(180)), Files.readString(agentLog));
    }
    view = tmp.resolve("view");
    Fixtures.git(tmp, "clone", "-q", ws.resolve("origin.git").toUri().toString(), view.toString());
    List<String> runs;
    try (Stream<Path> dirs = Files.list(view.resolve("results"))) {
      runs =
          dirs.map(p -> p.getFileName().toString())
              .filter(n -> !n.startsWith("."))
              .sorted()
              .toList();
    }
    assertEquals(2, runs.size(), runs.toString() + "\n" + Files.readString(agentLog));
    second =
        runs.stream()
            .filter(r -> r.contains("-" + secondCommit.substring(0, 8)))
            .findFirst()
            .orElseThrow();
    first = runs.stream().filter(r -> !r.equals(second)).findFirst().orElseThrow();
  }

  @Test
  @Order(1)
  void resultsCommit_holdsTheReportAndItsChartsInGit_notInDvc() throws Exception {
    for (String run : List.of(first, second)) {
      String dir = "results/" + run + "/";
      List<String> tracked = Fixtures.git(view, "ls-files", dir).lines().toList();
      assertTrue(tracked.contains(dir + "report.md"), tracked.toString());
      assertTrue(tracked.contains(dir + "report.html"), tracked.toString());
      List<String> charts =
          tracked.stream()
              .filter(f -> f.startsWith(dir + "charts/") && f.endsWith(".png"))
              .toList();
      assertTrue(charts.size() >= 3, "at least three charts in Git: " + tracked);
      assertTrue(
          tracked.stream().noneMatch(f -> f.startsWith(dir + "charts") && f.endsWith(".dvc")),
          tracked.toString());
      String md = Files.readString(view.resolve(dir + "report.md"));
      for (String chart : charts) {
        String rel = chart.substring(dir.length());
        assertTrue(md.contains("](" + rel + ")"), rel + " linked from report.md");
        assertTrue(Files.size(view.resolve(chart)) < 200_000, chart + " is small");
      }
    }
  }

  @Test
  @Order(2)
  void secondReport_namesTheFirstAsBaseline_withTheMetricDeltas() throws Exception {
    String md = Files.readString(view.resolve("results/" + second + "/report.md"));
    assertTrue(md.contains("Baseline: " + first + " (config commit "), md);
    assertTrue(md.contains("the previous successful run on this branch)."), md);
    assertTrue(md.contains("## Compared with " + first), md);
    // each task's test metrics against the baseline's, whatever the workload names them
    for (String metric :
        List.of("| crop_classification | test/", "| landslide | test/", "| biomass | test/")) {
      assertTrue(
          md.lines().anyMatch(l -> l.startsWith(metric) && l.matches(".*\\| [+-]\\d+\\.\\d{4}.*")),
          metric + "\n" + md);
    }
    assertTrue(md.contains("| LEARNING_RATE | 5e-3 | 1e-2 |"), md);
    JsonNode runJson =
        Json.MAPPER.readTree(view.resolve("results/" + second + "/run.json").toFile());
    assertEquals(first, runJson.path("baseline_run").asText());
    assertEquals(
        "1e-2",
        runJson.path("jobs").path("landslide").path("params").path("LEARNING_RATE").asText());
    assertTrue(runJson.path("jobs").path("landslide").path("curve").size() >= 2);
  }

  @Test
  @Order(3)
  void runsAndCompare_printBothRuns() throws Exception {
    String runs = agent("runs", "--repo", view.toString());
    assertTrue(runs.contains(first) && runs.contains(second), runs);
    assertTrue(runs.contains("test/mIoU "), runs);
    String compare =
        agent("compare", first, secondCommit.substring(0, 8), "--repo", view.toString());
    assertTrue(compare.contains("Comparing 2 run(s)"), compare);
    assertTrue(
        compare.contains("LEARNING_RATE=5e-3") && compare.contains("LEARNING_RATE=1e-2"), compare);
    assertTrue(compare.contains("== " + second + " against " + first), compare);
    JsonNode json =
        Json.MAPPER.readTree(
            agent(
                "compare",
                first,
                second,
                "--json",
                "--repo",
                ws.resolve("origin.git").toUri().toString()));
    assertEquals(2, json.path("runs").size());
    assertEquals(2, json.path("leaderboard").path("crop_classification").size());
    String md = agent("runs", "--md", "--repo", view.toString());
    assertTrue(md.contains("| " + first + " |") && md.contains("| " + second + " |"), md);
  }

  @Test
  @Order(4)
  void reportHtml_showsEveryChartInHeadlessChromium() throws Exception {
    String chromium = chromium();
    Path page = view.resolve("results/" + second + "/report.html");
    long charts;
    try (Stream<Path> pngs = Files.list(view.resolve("results/" + second + "/charts"))) {
      charts = pngs.count();
    }
    String dom =
        browse(chromium, "--virtual-time-budget=10000", "--dump-dom", page.toUri().toString());
    Matcher body =
        Pattern.compile("<body data-images=\"(\\d+)\" data-broken=\"([^\"]*)\">").matcher(dom);
    assertTrue(
        body.find(),
        "the page's check did not run:\n" + dom.substring(0, Math.min(2000, dom.length())));
    assertEquals(Long.toString(charts), body.group(1), "every chart is an image on the page");
    assertEquals("", body.group(2), "images that did not load");
    Path shots = Fixtures.projectDir().resolve("agent/target/report-sample");
    deleteTree(shots);
    Files.createDirectories(shots);
    Path shot = shots.resolve("report.png");
    browse(
        chromium,
        "--hide-scrollbars",
        "--window-size=1000,2600",
        "--screenshot=" + shot,
        page.toUri().toString());
    assertTrue(Files.size(shot) > 10_000, "a screenshot of the page");
    // the page and its charts as figures/samples/report/ shows them
    Fixtures.copyTree(
        view.resolve("results/" + second + "/charts"), shots.resolve("report/charts"));
    Files.copy(view.resolve("results/" + second + "/report.md"), shots.resolve("report/report.md"));
  }

  private static void deleteTree(Path dir) throws IOException {
    if (Files.exists(dir)) {
      try (Stream<Path> files = Files.walk(dir)) {
        for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
  }

  private static String agent(String... args) throws Exception {
    Path log = Files.createTempFile(tmp, "cli", ".log");
    try (AgentProcess p = AgentProcess.start(log, Map.of(), args)) {
      int code = p.waitFor(Duration.ofSeconds(60));
      assertEquals(0, code, String.join(" ", args) + "\n" + Files.readString(log));
    }
    return Files.readString(log);
  }

  /** Debian's chromium, or a skipped test (outside CI) or a failed one (in CI). */
  private static String chromium() {
    for (String name : List.of("chromium", "chromium-browser")) {
      for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
        if (Files.isExecutable(Path.of(dir, name))) {
          return Path.of(dir, name).toString();
        }
      }
    }
    String why = "chromium is needed to check report.html; apt-get install chromium";
    if ("true".equals(System.getenv("CI"))) {
      Assertions.fail(why);
    }
    System.err.println("NOTICE: skipping the browser check. " + why);
    Assumptions.abort(why);
    return null;
  }

  private static String browse(String chromium, String... args)
      throws IOException, InterruptedException {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                chromium,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--user-data-dir=" + Files.createTempDirectory(tmp, "chromium")));
    cmd.addAll(List.of(args));
    Path err = Files.createTempFile(tmp, "chromium", ".err");
    Process p = new ProcessBuilder(cmd).redirectError(err.toFile()).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("chromium did not finish: " + Files.readString(err));
    }
    assertEquals(0, p.exitValue(), Files.readString(err));
    return out;
  }
}
