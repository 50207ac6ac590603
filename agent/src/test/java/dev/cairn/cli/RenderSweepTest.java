package dev.cairn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.testing.Fixtures;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `render` of a sweep: one line per trial, each trial's script, and the arrays SLURM gets. */
class RenderSweepTest {
  static final String SWEEP =
      "EXPERIMENT_NAME=portfolio\n"
          + "GEOFM=prithvi_eo_v1_100,prithvi_eo_v2_300\n"
          + "LEARNING_RATE=1e-4,3e-4\n"
          + "TASKS=crop_classification,landslide,biomass\n"
          + "TRAINER=demo\n"
          + "SCHEDULER=slurm\n"
          + "SWEEP_MAX_PARALLEL=2\n"
          + "PRITHVI_EO_V2_600_PARTITION=big\n"
          + "BIOMASS_TIME_LIMIT=01:00:00\n";

  @TempDir Path tmp;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  private String render(String config, String... extra) throws Exception {
    return renderOn("slurm", config, extra);
  }

  private String renderOn(String scheduler, String config, String... extra) throws Exception {
    out.reset();
    Path file = Files.writeString(tmp.resolve("config.env"), config);
    List<String> args =
        new java.util.ArrayList<>(
            List.of(
                "render",
                "--scripts",
                "--trainer-jar",
                "/opt/cairn/demo-trainer.jar",
                "--config",
                file.toString(),
                "--scheduler",
                scheduler,
                "--templates",
                Fixtures.projectDir().resolve("templates").toString()));
    args.addAll(List.of(extra));
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        Main.run(
            args.toArray(String[]::new), new PrintStream(out, true), new PrintStream(err, true));
    assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void render_printsOneLinePerTrialAndAnArrayPerTask() throws Exception {
    String text = render(SWEEP);
    assertTrue(text.startsWith("# 12 trial(s) of 3 task(s), at most 2 at once:\n"), text);
    assertEquals(
        12, text.lines().filter(l -> l.matches("# [a-z_]+-prithvi_eo_v.*  GEOFM=.*")).count());
    assertTrue(
        text.contains(
            "# biomass-prithvi_eo_v1_100-lr3e-4-s42-b8-e10  GEOFM=prithvi_eo_v1_100"
                + " LEARNING_RATE=3e-4 SEED=42 BATCH_SIZE=8 EPOCHS=10  partition=(default)"
                + " gpus=1 cpus=4 mem=16384M time=01:00:00\n"),
        text);
    assertEquals(3, text.lines().filter(l -> l.equals("#SBATCH --array=0-3%2")).count(), text);
    assertTrue(text.contains("\n3) exec bash "), text);
  }

  @Test
  void render_splitsAnArrayLargerThanTheLimit() throws Exception {
    String text = render(SWEEP.replace("SEED=", "") + "SEED=1,2,3\n", "--max-array-size", "5");
    // 12 trials per task, arrays of at most 5: 5 + 5 + 2, for each of three tasks
    assertEquals(3, text.lines().filter(l -> l.equals("#SBATCH --array=0-1%2")).count(), text);
    assertEquals(6, text.lines().filter(l -> l.equals("#SBATCH --array=0-4%2")).count(), text);
  }

  @Test
  void render_givesAModelItsOwnArrayWhereItsResourcesDiffer() throws Exception {
    String text =
        render(
            SWEEP.replace(
                "GEOFM=prithvi_eo_v1_100,prithvi_eo_v2_300",
                "GEOFM=prithvi_eo_v2_300,prithvi_eo_v2_600"));
    // two shapes per task (the 600M model on partition big): six arrays of two
    assertEquals(6, text.lines().filter(l -> l.equals("#SBATCH --array=0-1%2")).count(), text);
    // 6 trial scripts and 3 arrays on partition big
    assertEquals(9, text.lines().filter(l -> l.equals("#SBATCH --partition=big")).count(), text);
  }

  @Test
  void arrayScript_runsTheTrialOfItsIndex() throws Exception {
    Path dir = tmp.resolve("scripts");
    render(SWEEP, "--out", dir.toString(), "--work-dir", tmp.resolve("work").toString());
    Path array;
    try (var files = Files.list(dir)) {
      array =
          files
              .filter(p -> p.getFileName().toString().startsWith("array-landslide"))
              .findFirst()
              .orElseThrow();
    }
    // stand-ins for the trials' scripts where the array expects them
    String text = Files.readString(array);
    for (String line : text.lines().filter(l -> l.contains(") exec bash ")).toList()) {
      String script = line.split("exec bash ")[1].split(" >> ")[0];
      Path p = Path.of(script);
      Files.createDirectories(p.getParent());
      Files.writeString(p, "echo \"trial $(basename \"$0\") index $SLURM_ARRAY_TASK_ID\"\n");
      String outFile = line.split(" >> ")[1].split(" 2>> ")[0];
      Files.createDirectories(Path.of(outFile).getParent());
      Files.createDirectories(Path.of(line.split(" 2>> ")[1].split(" ;;")[0]).getParent());
    }
    ProcessBuilder pb = new ProcessBuilder("bash", array.toString());
    pb.environment().put("SLURM_ARRAY_TASK_ID", "2");
    Process p = pb.redirectErrorStream(true).start();
    assertTrue(p.waitFor(20, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), new String(p.getInputStream().readAllBytes()));
    Path out =
        tmp.resolve("work/runs")
            .toFile()
            .listFiles()[0]
            .toPath()
            .resolve("out/landslide-prithvi_eo_v2_300-lr1e-4-s42-b8-e10.out");
    assertEquals(
        "trial landslide-prithvi_eo_v2_300-lr1e-4-s42-b8-e10.sh index 2\n", Files.readString(out));
    pb.environment().put("SLURM_ARRAY_TASK_ID", "9");
    Process bad = pb.start();
    assertTrue(bad.waitFor(20, TimeUnit.SECONDS));
    assertEquals(2, bad.exitValue());
  }

  @Test
  void stages_renderATrainAndAnEvaluateScriptPerTrial_theEvaluateOnItsOwnPartition()
      throws Exception {
    String text =
        render(
            "EXPERIMENT_NAME=staged\nTASKS=landslide\nTRAINER=terratorch\nSCHEDULER=slurm\n"
                + "LANDSLIDE_DATASET_PATH=/data/l4s\nSTAGES=train,evaluate\n"
                + "EVAL_PARTITION=short\nEVAL_TIME_LIMIT=00:20:00\nPARTITION=gpu\n");
    assertTrue(
        text.contains(
            "#   then evaluate: partition=short gpus=1 cpus=4 mem=16384M time=00:20:00\n"),
        text);
    String train = text.substring(text.indexOf("# ===== landslide (slurm)"));
    train = train.substring(0, train.indexOf("# ===== landslide-evaluate"));
    String evaluate = text.substring(text.indexOf("# ===== landslide-evaluate (slurm)"));
    assertTrue(train.contains("#SBATCH --partition=gpu\n"), train);
    assertTrue(train.contains("export CAIRN_STAGE=train\n"), train);
    assertTrue(train.contains("terratorch fit "), train);
    assertTrue(!train.contains("terratorch test ") && !train.contains("plot_predictions.py\" --"));
    assertTrue(train.contains("CAIRN_EXIT_FILE=\"$CAIRN_OUTPUT_DIR/exit-train.json\""), train);
    assertTrue(evaluate.contains("#SBATCH --job-name=cairn-"), evaluate);
    assertTrue(evaluate.contains("-landslide-evaluate-a1\n"), evaluate);
    assertTrue(evaluate.contains("#SBATCH --partition=short\n"), evaluate);
    assertTrue(evaluate.contains("#SBATCH --time=00:20:00\n"), evaluate);
    assertTrue(evaluate.contains("export CAIRN_STAGE=evaluate\n"), evaluate);
    assertTrue(!evaluate.contains("terratorch fit "), evaluate);
    assertTrue(evaluate.contains("terratorch test "), evaluate);
    assertTrue(evaluate.contains("exit-evaluate.json"), evaluate);
  }

  private String list(String scheduler, String... extra) throws Exception {
    Path file = Files.writeString(tmp.resolve("config.env"), SWEEP);
    List<String> args =
        new java.util.ArrayList<>(
            List.of(
                "render",
                "--trainer-jar",
                "/opt/cairn/demo-trainer.jar",
                "--config",
                file.toString(),
                "--scheduler",
                scheduler,
                "--templates",
                Fixtures.projectDir().resolve("templates").toString()));
    args.addAll(List.of(extra));
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        Main.run(
            args.toArray(String[]::new), new PrintStream(out, true), new PrintStream(err, true));
    assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void render_byDefault_listsTrialsAndArraysWithoutScripts() throws Exception {
    String text = list("slurm");
    assertTrue(text.lines().allMatch(l -> l.startsWith("# ")), text);
    assertEquals(
        12, text.lines().filter(l -> l.matches("# [a-z_]+-prithvi_eo_v.*  GEOFM=.*")).count());
    List<String> arrays = text.lines().filter(l -> l.startsWith("# array ")).toList();
    assertEquals(3, arrays.size(), text);
    // SWEEP_MAX_PARALLEL=2 holds for the run: the first array takes both slots, the others wait
    assertTrue(arrays.get(0).endsWith(" as 0-3%2 (slurm)"), text);
    assertTrue(
        arrays.subList(1, 3).stream().allMatch(l -> l.endsWith(" as 0-3%2 (slurm), held back")),
        text);
    assertEquals(text, list("slurm", "--list").substring(text.length()));
  }

  @Test
  void render_listsAnLsfArrayInLsfsOwnRange() throws Exception {
    String text = list("lsf", "--list");
    List<String> arrays = text.lines().filter(l -> l.startsWith("# array ")).toList();
    assertEquals(3, arrays.size(), text);
    assertTrue(arrays.stream().allMatch(l -> l.contains(" as [1-4]%2 (lsf)")), text);
    assertTrue(!text.contains("#BSUB"), text);
  }

  @Test
  void render_scriptsOfAnLsfArrayCarryTheRangeItsBannerNames() throws Exception {
    String text = list("lsf", "--scripts");
    List<String> banners = text.lines().filter(l -> l.startsWith("# ===== array ")).toList();
    assertEquals(3, banners.size(), text);
    assertTrue(banners.get(0).endsWith(" [1-4]%2 (lsf) ====="), text);
    assertTrue(
        banners.subList(1, 3).stream().allMatch(l -> l.endsWith(" [1-4]%2, held back (lsf) =====")),
        text);
    assertEquals(
        3, text.lines().filter(l -> l.matches("#BSUB -J \".*\\[1-4\\]%2\"")).count(), text);
  }

  @Test
  void render_listWithScripts_isOneLineAndExitTwo() throws Exception {
    Path file = Files.writeString(tmp.resolve("config.env"), SWEEP);
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        Main.run(
            new String[] {"render", "--config", file.toString(), "--list", "--scripts"},
            new PrintStream(out, true),
            new PrintStream(err, true));
    assertEquals(2, code);
    assertTrue(
        err.toString(StandardCharsets.UTF_8).startsWith("cairn: --list prints no scripts;"),
        err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void render_sharesSweepMaxParallelAmongArrays_andNumbersThemAsTheSchedulerDoes()
      throws Exception {
    String six =
        SWEEP
            .replace(
                "GEOFM=prithvi_eo_v1_100,prithvi_eo_v2_300",
                "GEOFM=prithvi_eo_v2_300,prithvi_eo_v2_600")
            .replace("LEARNING_RATE=1e-4,3e-4", "SEED=1,2")
            .replace("SWEEP_MAX_PARALLEL=2", "SWEEP_MAX_PARALLEL=4");
    String lsf = renderOn("lsf", six);
    // six arrays of two: throttles adding up to 4, not six arrays each allowed 4
    assertTrue(
        lsf.contains(
            "# SWEEP_MAX_PARALLEL=4 for the whole run: 2 array(s) [1-2]%2, [1-2]%2 start at once;"
                + " 4 array(s) [1-2]%2, [1-2]%2, [1-2]%2, [1-2]%2 wait until trials end"),
        lsf);
    assertEquals(
        6,
        lsf.lines().filter(l -> l.startsWith("# ===== array ") && l.contains(" [1-2]%2")).count());
    assertEquals(0, lsf.lines().filter(l -> l.contains(" 0-1%")).count(), "LSF counts from 1");
    assertEquals(4, lsf.lines().filter(l -> l.endsWith(", held back (lsf) =====")).count(), lsf);
    String slurm = renderOn("slurm", six.replace("SWEEP_MAX_PARALLEL=4", "SWEEP_MAX_PARALLEL=3"));
    assertTrue(slurm.contains("for the whole run: 2 array(s) 0-1%2, 0-1%1 start at once;"), slurm);
    String staged = render(six + "STAGES=train,evaluate\n");
    assertTrue(staged.contains("the agent submits trials one by one, at most 4"), staged);
    assertFalse(staged.contains("#SBATCH --array"), staged);
  }
}
