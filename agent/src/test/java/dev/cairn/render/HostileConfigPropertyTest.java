package dev.cairn.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.CairnException;
import dev.cairn.config.ConfigError;
import dev.cairn.config.ExperimentConfig;
import dev.cairn.config.TaskDefinition;
import dev.cairn.plan.JobSpec;
import dev.cairn.plan.RunPlan;
import dev.cairn.testing.Fixtures;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * Hostile configs, as anyone who can push to an allowed branch could commit them: each is parsed,
 * and whatever parses is rendered for every scheduler. No value may add a directive line, and a
 * sample of the scripts runs under bash, with stand-ins for the trainer and the schedulers'
 * commands, without creating the canary file that every injected command would create. Runs {@code
 * jqwik.tries.default} cases (10,000 in {@code mvn verify}; more with {@code
 * -Djqwik.tries.default=100000}).
 */
class HostileConfigPropertyTest {
  private static final Path TMP = tempDir();
  private static final Path CANARY = TMP.resolve("CANARY");
  private static final Path STUBS = stubs();
  private static final ScriptRenderer RENDERER =
      new ScriptRenderer(
          Fixtures.templates(),
          new Site("", "/opt/cairn/demo-trainer.jar", "/opt/cairn/examples/terratorch", "fuzz"));
  private static final List<TaskDefinition> TASKS = Fixtures.tasks();
  private static final String COMMIT = "3f9a2c1d4e5b6a7980e1f2a3b4c5d6e7f8091a2b";
  private static final Map<String, String> DIRECTIVE =
      Map.of("slurm", "#SBATCH", "lsf", "#BSUB", "local", "#CAIRN-LOCAL");

  /** One case in this many that renders is also run under bash. */
  private static final int EXECUTE_EVERY = 60;

  private static final AtomicInteger rendered = new AtomicInteger();
  private static final AtomicInteger executed = new AtomicInteger();

  /** Pieces of values: injections aimed at the canary, quotes, line breaks, and valid values. */
  private static final List<String> PIECES =
      List.of(
          "$(touch " + CANARY + ")",
          "`touch " + CANARY + "`",
          "; touch " + CANARY,
          "&& touch " + CANARY + " #",
          "| touch " + CANARY,
          "\ntouch " + CANARY + "\n",
          "\n#SBATCH --uid=0\n",
          "\n#BSUB -u root\n",
          "\r",
          "\u2028",
          "\u0085",
          "\u001b[2J",
          "'",
          "\"",
          "\\",
          "'\\''",
          "#",
          " ",
          "\t",
          "-",
          "--help",
          "=",
          "$HOME",
          "${IFS}",
          "*",
          "~",
          "..",
          "/",
          ",",
          "1",
          "0",
          "16G",
          "17592186044417T",
          "999999999999999999",
          "1e999",
          "1e-4",
          "test/mIoU>=0.5",
          "crop_classification",
          "landslide,biomass",
          "slurm",
          "lsf",
          "local",
          "demo",
          "terratorch",
          "gpu",
          "/data/x",
          "prithvi_eo_v2_300",
          "02:00:00",
          "1-00:00:00");

  private static final List<String> KEYS =
      List.of(
          "EXPERIMENT_NAME",
          "GEOFM",
          "TASKS",
          "TRAINER",
          "CROP_DATASET_PATH",
          "LANDSLIDE_DATASET_PATH",
          "BIOMASS_DATASET_PATH",
          "EPOCHS",
          "BATCH_SIZE",
          "NUM_WORKERS",
          "LEARNING_RATE",
          "SEED",
          "SCHEDULER",
          "PARTITION",
          "ACCOUNT",
          "GPUS_PER_JOB",
          "CPUS_PER_JOB",
          "MEMORY_PER_JOB",
          "TIME_LIMIT",
          "MAX_ATTEMPTS",
          "CROP_QUALITY_GATE",
          "LANDSLIDE_QUALITY_GATE",
          "BIOMASS_QUALITY_GATE");

  /** Values of the key's own kind that validation accepts, the unusual ones included. */
  private static Arbitrary<String> plausible(String key) {
    return switch (key) {
      case "EXPERIMENT_NAME" -> Arbitraries.of("fuzz", "a.b-c_d", "X".repeat(64), "0");
      case "GEOFM" ->
          Arbitraries.of("prithvi_eo_v1_100", "prithvi_eo_v2_600", " prithvi_eo_v2_300 ");
      case "TASKS" ->
          Arbitraries.of("crop_classification", "landslide,biomass", " biomass , landslide ,");
      case "TRAINER" -> Arbitraries.of("demo", "terratorch");
      case "SCHEDULER" -> Arbitraries.of("slurm", "lsf", "local");
      case "PARTITION", "ACCOUNT" -> Arbitraries.of("", "gpu", "a.b_c-d", "Z".repeat(64));
      case "LEARNING_RATE" -> Arbitraries.of("1e-4", "0.5", "10", "1E-9", ".3");
      case "MEMORY_PER_JOB" -> Arbitraries.of("64", "512M", "16G", "16T", "2gb", "8 G");
      case "TIME_LIMIT" -> Arbitraries.of("1", "01:00:00", "30-00:00:00", "00:59", "43200");
      case "CROP_DATASET_PATH", "LANDSLIDE_DATASET_PATH", "BIOMASS_DATASET_PATH" ->
          Arbitraries.of("/data/x", "~/d", "/d/a=b,c@d:e+f~g", "rel/p.q", "", "d-");
      case "CROP_QUALITY_GATE", "LANDSLIDE_QUALITY_GATE", "BIOMASS_QUALITY_GATE" ->
          Arbitraries.of("test/mIoU>=0.3", "test/RMSE<5e2", "val/loss < -1.5", "a>+1e300");
      default -> Arbitraries.of("0", "1", "2", "16", "256", "4096", " 3 ");
    };
  }

  /** Pieces aimed at the shell, and some arbitrary text. */
  private static Arbitrary<String> hostile() {
    Arbitrary<String> pieces =
        Arbitraries.of(PIECES).list().ofMinSize(1).ofMaxSize(4).map(l -> String.join("", l));
    return Arbitraries.oneOf(pieces, pieces, pieces, Arbitraries.strings().all().ofMaxLength(12));
  }

  /** A line's value: plausible or hostile, bare or in double or single quotes. */
  private static Arbitrary<String> value(String key) {
    Arbitrary<String> raw =
        Arbitraries.frequencyOf(Tuple.of(12, plausible(key)), Tuple.of(1, hostile()));
    return Combinators.combine(raw, Arbitraries.of("", "", "\"", "'"))
        .as((v, quote) -> quote + v + quote);
  }

  @Provide
  Arbitrary<String> config() {
    Arbitrary<Map<String, String>> overrides =
        Arbitraries.of(KEYS)
            .flatMap(k -> value(k).map(v -> Map.entry(k, v)))
            .list()
            .ofMinSize(1)
            .ofMaxSize(6)
            .map(
                entries -> {
                  Map<String, String> m = new LinkedHashMap<>();
                  entries.forEach(e -> m.put(e.getKey(), e.getValue()));
                  return m;
                });
    // the header's optional directives, on and off
    Arbitrary<Map<String, String>> valid =
        Arbitraries.of("PARTITION=gpu", "ACCOUNT=proj-1", "GPUS_PER_JOB=2", "TRAINER=terratorch")
            .set()
            .map(
                set -> {
                  Map<String, String> m = new LinkedHashMap<>();
                  set.forEach(kv -> m.put(kv.split("=")[0], kv.split("=")[1]));
                  return m;
                });
    // now and then a line that is not KEY=value at all
    Arbitrary<String> junk =
        Arbitraries.frequencyOf(
            Tuple.of(6, Arbitraries.just("")),
            Tuple.of(2, Arbitraries.just("# comment\n")),
            Tuple.of(1, hostile()));
    return Combinators.combine(overrides, valid, junk)
        .as(
            (hostile, shape, extra) -> {
              Map<String, String> lines = new LinkedHashMap<>();
              lines.put("EXPERIMENT_NAME", "fuzz");
              lines.put("TRAINER", "demo");
              lines.put("SCHEDULER", "local");
              lines.put("CROP_DATASET_PATH", "/data/crop");
              lines.put("LANDSLIDE_DATASET_PATH", "/data/landslide");
              lines.put("BIOMASS_DATASET_PATH", "/data/biomass");
              lines.putAll(shape);
              lines.putAll(hostile);
              StringBuilder text = new StringBuilder();
              lines.forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
              return text.append(extra).toString();
            });
  }

  @Property
  void hostileConfigs_addNoDirectiveAndRunNothing(@ForAll("config") String text) throws Exception {
    ExperimentConfig cfg;
    try {
      cfg = ExperimentConfig.parse(text.getBytes(StandardCharsets.UTF_8), "fuzz", TASKS);
    } catch (ConfigError e) {
      return; // rejected with its problems named: nothing reaches a script
    }
    boolean execute = rendered.incrementAndGet() % EXECUTE_EVERY == 0;
    Path workDir =
        execute
            ? Files.createTempDirectory(TMP, "w").resolve("it's $(touch " + CANARY + ") `id` ;x")
            : Path.of("/scratch/cairn");
    RunPlan plan = RunPlan.of(cfg, COMMIT, Instant.EPOCH, 1, workDir);
    // one task a case (the tasks' bodies differ); every scheduler's header
    JobSpec job = plan.jobs().get(rendered.get() % plan.jobs().size());
    for (String scheduler : List.of("slurm", "lsf", "local")) {
      String script;
      try {
        script = RENDERER.render(job, cfg, scheduler, COMMIT);
      } catch (CairnException e) {
        // the renderer's own wall refused a value: the run is rejected, nothing runs
        assertTrue(e.getMessage().contains("control character"), e.getMessage());
        continue;
      }
      assertDirectives(script, scheduler, cfg, text);
      if (execute && scheduler.equals(cfg.scheduler())) {
        run(script, workDir);
        assertFalse(Files.exists(CANARY), "an injected command ran for:\n" + text);
      }
    }
  }

  /** Exactly the header's directives, all of them before the first line of the script body. */
  private static void assertDirectives(
      String script, String scheduler, ExperimentConfig cfg, String text) {
    int expected =
        switch (scheduler) {
          case "slurm" -> 11;
          case "lsf" -> 6;
          default -> 2;
        };
    if (!scheduler.equals("local")) {
      expected +=
          (cfg.partition().isEmpty() ? 0 : 1)
              + (cfg.account().isEmpty() ? 0 : 1)
              + (cfg.gpusPerJob() > 0 ? 1 : 0);
    }
    List<String> lines = script.lines().toList();
    int body = 0;
    while (body < lines.size() && lines.get(body).startsWith("#")) {
      body++;
    }
    String prefix = DIRECTIVE.get(scheduler);
    long inHeader = lines.subList(0, body).stream().filter(l -> l.startsWith(prefix)).count();
    long anywhere =
        lines.stream()
            .filter(l -> l.startsWith("#SBATCH") || l.startsWith("#BSUB") || l.startsWith("#CAIRN"))
            .count();
    assertEquals(expected, inHeader, "directives for " + scheduler + " from:\n" + text + script);
    assertEquals(expected, anywhere, "a directive outside the header from:\n" + text + script);
  }

  private static void run(String script, Path workDir) throws Exception {
    executed.incrementAndGet();
    Path file = Files.createTempFile(TMP, "job", ".sh");
    Files.writeString(file, script);
    Process check = new ProcessBuilder("bash", "-n", file.toString()).start();
    assertTrue(check.waitFor(30, TimeUnit.SECONDS));
    assertEquals(0, check.exitValue(), new String(check.getErrorStream().readAllBytes()));
    ProcessBuilder pb =
        new ProcessBuilder("bash", file.toString())
            .directory(TMP.toFile())
            .redirectErrorStream(true)
            .redirectOutput(TMP.resolve("last-run.log").toFile());
    pb.environment().put("PATH", STUBS + ":/usr/bin:/bin");
    Process p = pb.start();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the script ran past 60 s");
    assertEquals(
        0, p.exitValue(), Files.readString(TMP.resolve("last-run.log")) + "\n---\n" + script);
    assertTrue(Files.isDirectory(workDir.resolve("runs")), "the literal work dir was used");
  }

  @AfterContainer
  static void report() {
    System.out.printf(
        "hostile configs: %d rendered for every scheduler, %d run under bash%n",
        rendered.get(), executed.get());
  }

  /** java, python, terratorch and the schedulers' commands that do nothing and succeed. */
  private static Path stubs() {
    try {
      Path bin = Files.createDirectories(TMP.resolve("bin"));
      for (String name :
          List.of(
              "java",
              "python",
              "python3",
              "terratorch",
              "sbatch",
              "srun",
              "bsub",
              "module",
              "nvidia-smi")) {
        Path stub = bin.resolve(name);
        Files.writeString(stub, "#!/bin/sh\nexit 0\n");
        stub.toFile().setExecutable(true);
      }
      Files.delete(bin.resolve("nvidia-smi"));
      return bin;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path tempDir() {
    try {
      Path dir = Files.createTempDirectory("cairn-fuzz");
      dir.toFile().deleteOnExit();
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
