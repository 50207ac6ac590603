package dev.cairn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.testing.Fixtures;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Sample outputs in README.md and docs/*.md come from the real program. A page marks one with a
 * line {@code <!-- sample: NAME -->} right above a fenced block; {@link #SAMPLES} says how to
 * produce NAME, and this test checks the block against it (through the sample's normalizer, for
 * outputs that hold times, ids or measurements). Run with {@code -Dcairn.updateGolden=true} to
 * rewrite the blocks, then review the diff. A page adopts the mechanism by adding a marker and an
 * entry here; a marker without an entry fails, and so does an entry no page uses. An integration
 * test: the demo sample runs the demo trainer the package phase bundles.
 */
class DocSamplesIT {
  static final Path ROOT = Fixtures.projectDir();
  static final Pattern MARKER =
      Pattern.compile("<!-- sample: ([a-z0-9-]+) -->\\n```[a-z]*\\n(.*?)```", Pattern.DOTALL);

  /** How to produce a sample from the real program, and what of it may vary between runs. */
  record Sample(Generator generate, UnaryOperator<String> normalize) {}

  /** Produces a sample's text; it may read the page it is on. */
  interface Generator {
    String generate(String page, Path tmp) throws Exception;
  }

  static final Map<String, Sample> SAMPLES = new LinkedHashMap<>();

  static {
    SAMPLES.put("demo", new Sample(DocSamplesIT::demo, DocSamplesIT::measurements));
    SAMPLES.put("render-bad-config", new Sample(DocSamplesIT::badConfig, s -> s));
    SAMPLES.put(
        "render-portfolio",
        new Sample(DocSamplesIT::portfolio, s -> s.replaceAll("cairn-\\d{8}-", "cairn-<date>-")));
    SAMPLES.put("runs", new Sample(DocSamplesIT::runs, DocSamplesIT::measurements));
  }

  @TempDir Path tmp;

  /** Every (page, sample name) marked in README.md and docs/*.md. */
  static List<String[]> marked() throws Exception {
    List<Path> pages = new ArrayList<>(List.of(ROOT.resolve("README.md")));
    try (Stream<Path> docs = Files.list(ROOT.resolve("docs"))) {
      docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
    }
    List<String[]> found = new ArrayList<>();
    for (Path page : pages) {
      Matcher m = MARKER.matcher(Files.readString(page));
      while (m.find()) {
        found.add(new String[] {ROOT.relativize(page).toString(), m.group(1)});
      }
    }
    return found;
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("marked")
  void sample_isWhatTheProgramPrints(String page, String name) throws Exception {
    Sample sample = SAMPLES.get(name);
    assertTrue(sample != null, page + " marks a sample '" + name + "' that DocSamplesIT lacks");
    Path file = ROOT.resolve(page);
    String text = Files.readString(file);
    String produced = sample.generate().generate(text, tmp);
    Matcher m = MARKER.matcher(text);
    while (m.find()) {
      if (!m.group(1).equals(name)) {
        continue;
      }
      if (Boolean.getBoolean("cairn.updateGolden")) {
        text = text.substring(0, m.start(2)) + produced + text.substring(m.end(2));
        Files.writeString(file, text);
        return;
      }
      assertEquals(
          sample.normalize().apply(produced),
          sample.normalize().apply(m.group(2)),
          page + ": sample " + name + " differs from the program's output");
      return;
    }
  }

  @Test
  void everySample_isOnAPage() throws Exception {
    Set<String> used = new TreeSet<>();
    marked().forEach(m -> used.add(m[1]));
    assertEquals(new TreeSet<>(SAMPLES.keySet()), used);
  }

  private static String[] run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        Main.run(
            args,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new String[] {
      Integer.toString(code),
      out.toString(StandardCharsets.UTF_8),
      err.toString(StandardCharsets.UTF_8)
    };
  }

  /** README's demo: the table it prints at the end of its run. */
  static String demo(String page, Path tmp) {
    String[] r = run("demo", "--workspace", tmp.resolve("demo").toString());
    assertEquals("0", r[0], r[1] + r[2]);
    List<String> table = new ArrayList<>();
    for (String line : r[1].lines().toList()) {
      if (line.startsWith("run ")) {
        table.add(line);
      } else if (!table.isEmpty()) {
        if (line.isBlank() || line.startsWith("  pushed to") || !line.startsWith("  ")) {
          break;
        }
        table.add(line);
      }
    }
    assertTrue(table.size() > 3, r[1]);
    return String.join("\n", table) + "\n";
  }

  /** Times, ids, metrics and memory vary from run to run; the words and columns do not. */
  static String measurements(String text) {
    return text.replaceAll("[0-9a-f]{8,}", "<id>")
        .replaceAll("\\d+(\\.\\d+)?", "<n>")
        .replaceAll(" {2,}", "  ")
        .strip();
  }

  /** README's config error: every problem of a file on one line, each with its line. */
  static String badConfig(String page, Path tmp) throws Exception {
    String content = "EPOCS=3\nEPOCHS=3; rm -rf ~\n";
    Path bad = Files.writeString(tmp.resolve("bad.env"), content);
    String[] r = run("render", "--config", bad.toString());
    assertEquals("2", r[0], r[1] + r[2]);
    return "$ cat bad.env\n"
        + content
        + "$ java -jar agent.jar render --config bad.env\n"
        + r[2].replace(tmp + "/", "");
  }

  /** docs/reference.md's sweep example: render's list of the config shown above it. */
  static String portfolio(String page, Path tmp) throws Exception {
    Matcher block =
        Pattern.compile(
                "```bash\\n(# config/config.env\\nEXPERIMENT_NAME=prithvi-portfolio\\n.*?)```",
                Pattern.DOTALL)
            .matcher(page);
    assertTrue(block.find(), "the page shows no prithvi-portfolio config");
    StringBuilder config = new StringBuilder();
    block
        .group(1)
        .lines()
        .filter(l -> !l.startsWith("#"))
        .forEach(l -> config.append(l).append('\n'));
    // "(dataset paths as in config/config.env)"
    Files.readAllLines(ROOT.resolve("config/config.env")).stream()
        .filter(l -> l.matches("[A-Z]+_DATASET_PATH=.*"))
        .forEach(l -> config.append(l).append('\n'));
    Path file = Files.writeString(tmp.resolve("config.env"), config);
    String[] r =
        run(
            "render",
            "--config",
            file.toString(),
            "--templates",
            ROOT.resolve("templates").toString());
    assertEquals("0", r[0], r[1] + r[2]);
    return r[1];
  }

  /**
   * docs/comparing.md's {@code runs}: the demo's run, then a second one as a researcher makes it (a
   * changed config committed and pushed, submitted as CI does, run by the agent), listed from the
   * researcher's clone.
   */
  static String runs(String page, Path tmp) throws Exception {
    Path workspace = tmp.resolve("runs-demo");
    String[] demo = run("demo", "--workspace", workspace.toString());
    assertEquals("0", demo[0], demo[1] + demo[2]);
    Path clone = workspace.resolve("researcher");
    git(clone, "pull", "-q", "origin", "main");
    Path config = clone.resolve("config/config.env");
    Files.writeString(
        config, Files.readString(config).replace("# LEARNING_RATE=1e-4", "LEARNING_RATE=2e-3"));
    git(clone, "commit", "-q", "-am", "A lower learning rate");
    git(clone, "push", "-q", "origin", "main");
    String commit = git(clone, "rev-parse", "HEAD").strip();
    String settings = workspace.resolve("agent.env").toString();
    String[] submit =
        run(
            "ci",
            "submit",
            "--settings",
            settings,
            "--config",
            config.toString(),
            "--commit",
            commit,
            "--branch",
            "main",
            "--dotenv",
            workspace.resolve("cairn-submit.env").toString());
    assertEquals("0", submit[0], submit[1] + submit[2]);
    String[] agent = run("run", "--until-idle", "--settings", settings);
    assertEquals("0", agent[0], agent[1] + agent[2]);
    git(clone, "pull", "-q", "origin", "main");
    String[] runs = run("runs", "--repo", clone.toString());
    assertEquals("0", runs[0], runs[1] + runs[2]);
    assertTrue(runs[1].startsWith("2 run(s) on main"), runs[1]);
    return "$ java -jar agent.jar runs\n" + runs[1];
  }

  private static String git(Path dir, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("git", "-C", dir.toString()));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), String.join(" ", command) + ": " + out);
    return out;
  }
}
