package dev.cairn.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.config.ExperimentConfig;
import dev.cairn.plan.JobSpec;
import dev.cairn.plan.RunPlan;
import dev.cairn.testing.Fixtures;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Golden files: each {@code golden/<case>.env} renders to {@code golden/<case>.<scheduler>.sh}. Run
 * with {@code -Dcairn.updateGolden=true} to rewrite them after a deliberate template change, then
 * review the diff.
 */
class ScriptRendererTest {
  static final Path GOLDEN = Fixtures.projectDir().resolve("agent/src/test/resources/golden");
  static final String COMMIT = "3f9a2c1d4e5b6a7980e1f2a3b4c5d6e7f8091a2b";
  static final Instant SUBMITTED = Instant.parse("2026-11-25T02:00:00Z");
  static final String HOSTILE_DIR = "/scratch/it's $(touch PWNED) `id` \"q\"; next";

  static ScriptRenderer renderer(String prologue) {
    return new ScriptRenderer(
        Fixtures.templates(),
        new Site(
            prologue, "/opt/cairn/demo-trainer.jar", "/opt/cairn/examples/terratorch", "test"));
  }

  static Stream<Object[]> cases() throws IOException {
    List<Object[]> cases = new ArrayList<>();
    try (Stream<Path> files = Files.list(GOLDEN)) {
      for (Path env : files.filter(p -> p.toString().endsWith(".env")).sorted().toList()) {
        String name = env.getFileName().toString().replace(".env", "");
        for (String scheduler : List.of("slurm", "lsf", "local")) {
          cases.add(new Object[] {name, scheduler});
        }
      }
    }
    return cases.stream();
  }

  static String render(String name, String scheduler, Path workDir) throws IOException {
    byte[] env = Files.readAllBytes(GOLDEN.resolve(name + ".env"));
    ExperimentConfig cfg = ExperimentConfig.parse(env, name, Fixtures.tasks());
    RunPlan plan = RunPlan.of(cfg, COMMIT, SUBMITTED, 1, workDir);
    String prologue =
        name.startsWith("terratorch")
            ? "module load cuda/12.4\nsource /opt/venvs/terratorch/bin/activate"
            : "";
    return renderer(prologue).render(plan.jobs().get(0), cfg, scheduler, COMMIT);
  }

  static Path workDir(String name) {
    return Path.of(name.startsWith("hostile") ? HOSTILE_DIR : "/scratch/cairn");
  }

  @ParameterizedTest(name = "{0} on {1}")
  @MethodSource("cases")
  void render_matchesGoldenFile(String name, String scheduler) throws Exception {
    String script = render(name, scheduler, workDir(name));
    Path golden = GOLDEN.resolve(name + "." + scheduler + ".sh");
    if (Boolean.getBoolean("cairn.updateGolden")) {
      Files.writeString(golden, script);
    }
    assertTrue(
        Files.exists(golden),
        golden.getFileName()
            + " is missing; write it with -Dcairn.updateGolden=true and review it");
    assertEquals(Files.readString(golden), script);
    assertBashAccepts(script);
  }

  @ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {"slurm", "lsf", "local"})
  void render_theCommittedConfigGivesValidBash(String scheduler) throws Exception {
    ExperimentConfig cfg =
        ExperimentConfig.parse(Fixtures.committedConfig(), "config/config.env", Fixtures.tasks());
    RunPlan plan = RunPlan.of(cfg, COMMIT, SUBMITTED, 1, Path.of("/scratch/cairn"));
    for (JobSpec job : plan.jobs()) {
      assertBashAccepts(renderer("").render(job, cfg, scheduler, COMMIT));
    }
  }

  @Test
  void render_quotesValuesWithShellMetacharacters() throws Exception {
    String script = render("hostile-biomass", "slurm", Path.of(HOSTILE_DIR));
    assertTrue(script.contains("'/scratch/it'\\''s $(touch PWNED) `id` \"q\"; next/runs/"), script);
    assertTrue(
        script.contains("--data.init_args.train_data_root /data/biomass,v2/train_images"), script);
  }

  @Test
  void render_hostileWorkDirRunsNothing(@TempDir Path tmp) throws Exception {
    Path base = tmp.resolve("it's $(touch PWNED) `touch PWNED2` \"q\"");
    String script = render("demo-crop", "local", base);
    Path file = tmp.resolve("job.sh");
    Files.writeString(file, script);
    Process p =
        new ProcessBuilder("bash", file.toString())
            .directory(tmp.toFile())
            .redirectErrorStream(true)
            .start();
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertFalse(Files.exists(tmp.resolve("PWNED")), output);
    assertFalse(Files.exists(tmp.resolve("PWNED2")), output);
    // the literal folder was created where the script said
    assertTrue(Files.isDirectory(base.resolve("runs")), output);
  }

  @Test
  void render_rejectsANewlineThatWouldEndADirective() {
    dev.cairn.CairnException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            dev.cairn.CairnException.class,
            () -> render("demo-crop", "slurm", Path.of("/scratch/a\n#SBATCH --uid=0")));
    assertTrue(e.getMessage().contains("newline"), e.getMessage());
  }

  /** A config whose partition and GEOFM skipped validation, as a bug elsewhere could let them. */
  static ExperimentConfig unvalidated(String partition, String model) throws IOException {
    ExperimentConfig c =
        ExperimentConfig.parse(
            Files.readAllBytes(GOLDEN.resolve("demo-crop.env")), "demo", Fixtures.tasks());
    java.util.Map<String, String> values = new java.util.LinkedHashMap<>(c.values());
    values.put("PARTITION", partition);
    values.put("GEOFM", model);
    return new ExperimentConfig(
        c.experimentName(),
        model,
        c.tasks(),
        c.trainer(),
        c.scheduler(),
        partition,
        c.account(),
        c.gpusPerJob(),
        c.cpusPerJob(),
        c.memoryMb(),
        c.timeLimit(),
        c.maxAttempts(),
        c.epochs(),
        c.batchSize(),
        c.numWorkers(),
        c.learningRate(),
        c.seed(),
        c.datasetPaths(),
        c.gates(),
        values,
        c.content(),
        c.sha256());
  }

  @Test
  void render_refusesANewlineInAnyValueEvenAfterValidation() throws Exception {
    for (String scheduler : List.of("slurm", "lsf", "local")) {
      for (ExperimentConfig cfg :
          List.of(
              unvalidated("gpu\n#SBATCH --uid=0", "prithvi_eo_v2_300"),
              unvalidated("gpu", "prithvi\ntouch /tmp/PWNED"),
              unvalidated("gpu\u2028x", "prithvi_eo_v2_300"))) {
        RunPlan plan = RunPlan.of(cfg, COMMIT, SUBMITTED, 1, Path.of("/scratch/cairn"));
        dev.cairn.CairnException e =
            org.junit.jupiter.api.Assertions.assertThrows(
                dev.cairn.CairnException.class,
                () -> renderer("").render(plan.jobs().get(0), cfg, scheduler, COMMIT));
        assertTrue(e.getMessage().contains("control character"), e.getMessage());
      }
    }
  }

  @Test
  void render_refusesANewlineInTheCommit() throws Exception {
    ExperimentConfig cfg = unvalidated("gpu", "prithvi_eo_v2_300");
    RunPlan plan = RunPlan.of(cfg, COMMIT, SUBMITTED, 1, Path.of("/scratch/cairn"));
    dev.cairn.CairnException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            dev.cairn.CairnException.class,
            () -> renderer("").render(plan.jobs().get(0), cfg, "slurm", "abc\ntouch /tmp/x"));
    assertTrue(e.getMessage().contains("commit"), e.getMessage());
  }

  @Test
  void render_includesTheSitePrologueVerbatim() throws Exception {
    String script = render("terratorch-landslide", "slurm", Path.of("/scratch/cairn"));
    assertTrue(
        script.contains("\nmodule load cuda/12.4\nsource /opt/venvs/terratorch/bin/activate\n"),
        script);
  }

  @Test
  void times_formatForEachScheduler() {
    assertEquals("00:45:00", ScriptRenderer.slurmTime(java.time.Duration.ofMinutes(45)));
    assertEquals("2-00:00:00", ScriptRenderer.slurmTime(java.time.Duration.ofDays(2)));
    assertEquals("0:45", ScriptRenderer.lsfTime(java.time.Duration.ofMinutes(45)));
    assertEquals("48:00", ScriptRenderer.lsfTime(java.time.Duration.ofDays(2)));
    assertEquals("0:01", ScriptRenderer.lsfTime(java.time.Duration.ofSeconds(1)));
  }

  @Test
  void quote_leavesSafeWordsAndQuotesTheRest() {
    assertEquals("/a/b-c_d.e", ShellQuote.quote("/a/b-c_d.e"));
    assertEquals("''", ShellQuote.quote(""));
    assertEquals("'a b'", ShellQuote.quote("a b"));
    assertEquals("'$(id)'", ShellQuote.quote("$(id)"));
    assertEquals("'it'\\''s'", ShellQuote.quote("it's"));
    assertEquals("'`id`'", ShellQuote.quote("`id`"));
    assertEquals("'a\nb'", ShellQuote.quote("a\nb"));
  }

  static void assertBashAccepts(String script) throws Exception {
    Process p = new ProcessBuilder("bash", "-n").redirectErrorStream(true).start();
    p.getOutputStream().write(script.getBytes(StandardCharsets.UTF_8));
    p.getOutputStream().close();
    assertTrue(p.waitFor(10, TimeUnit.SECONDS));
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.exitValue(), out);
  }
}
