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
 * Two demo runs on one branch, the second a sweep of two backbones x three seeds x three tasks:
 * each results commit holds its report with charts in Git, the second names the first as its
 * baseline, {@code runs} and {@code compare} print both, and report.html shows the model x task
 * matrix first and every chart in headless Chromium (the screenshot README shows).
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
        Files.readString(config)
            .replaceAll("(?m)^GEOFM=.*$", "GEOFM=prithvi_eo_v2_300,prithvi_eo_v2_600")
            .replaceAll("(?m)^SEED=.*$", "SEED=1,2,3")
            .replaceAll("(?m)^SWEEP_MAX_PARALLEL=.*$", "SWEEP_MAX_PARALLEL=2")
            .replaceAll("(?m)^GATE_RULE=.*$", "GATE_RULE=best"));
    Fixtures.git(
        researcher,
        "-c",
        "user.name=Researcher",
        "-c",
        "user.email=r@example.org",
        "commit",
        "-qam",
        "Compare the 300M and 600M backbones over three seeds");
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
      assertEquals(0, agent.waitFor(Duration.ofSeconds(900)), Files.readString(agentLog));
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
    assertTrue(
        md.contains("| GEOFM | prithvi_eo_v2_300 | prithvi_eo_v2_300,prithvi_eo_v2_600 |"), md);
    assertTrue(md.contains("| SEED | 42 | 1,2,3 |"), md);
    // the 600M differs from the 300M in the demo's metrics, time and memory
    Matcher row =
        Pattern.compile(
                "\\| (prithvi_eo_v2_[36]00) \\| (?:\\\\\\*)?(\\d\\.\\d{4}) ± .*? n=3 \\|.*\\| (\\d+) MiB \\|")
            .matcher(md);
    Map<String, String> firstCrop = new java.util.HashMap<>();
    Map<String, String> memory = new java.util.HashMap<>();
    while (row.find()) {
      firstCrop.put(row.group(1), row.group(2));
      memory.put(row.group(1), row.group(3));
    }
    assertEquals(2, firstCrop.size(), "a matrix row per backbone, three seeds each:\n" + md);
    assertTrue(!firstCrop.get("prithvi_eo_v2_300").equals(firstCrop.get("prithvi_eo_v2_600")), md);
    assertTrue(
        Long.parseLong(memory.get("prithvi_eo_v2_600"))
            > Long.parseLong(memory.get("prithvi_eo_v2_300")),
        "the 600M holds more memory:\n" + md);
    JsonNode runJson =
        Json.MAPPER.readTree(view.resolve("results/" + second + "/run.json").toFile());
    assertEquals(first, runJson.path("baseline_run").asText());
    assertEquals(
        "prithvi_eo_v2_600",
        runJson
            .path("jobs")
            .path("landslide-prithvi_eo_v2_600-s2-b8-e5")
            .path("params")
            .path("GEOFM")
            .asText());
    assertTrue(
        runJson.path("jobs").path("landslide-prithvi_eo_v2_600-s2-b8-e5").path("curve").size()
            >= 2);
    Path csv = view.resolve("results/" + second + "/results.csv");
    assertEquals(19, Files.readAllLines(csv).size(), "a header and 18 trials");
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
    assertTrue(compare.contains("GEOFM=prithvi_eo_v2_600"), compare);
    assertTrue(compare.contains("== Model x task"), compare);
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
    assertEquals(7, json.path("leaderboard").path("crop_classification").size());
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
    int matrix = dom.indexOf(">Model x task<");
    assertTrue(matrix > 0 && matrix < dom.indexOf(">Leaderboard<"), "the matrix comes first");
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
