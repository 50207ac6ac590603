package dev.cairn.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.CairnException;
import dev.cairn.config.ExperimentConfig;
import dev.cairn.plan.JobSpec;
import dev.cairn.plan.RunPlan;
import dev.cairn.testing.Fixtures;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The rendered TerraTorch jobs against what TerraTorch's own source and the datasets' published
 * configs say: one test per mistake the first rendering made (issue 20's table).
 */
class TerratorchConfigsTest {
  static final String COMMIT = "3f9a2c1d4e5b6a7980e1f2a3b4c5d6e7f8091a2b";

  /** TerraTorch's Landslide4SenseNonGeo.all_band_names (datasets/landslide4sense.py, v1.1.1). */
  static final List<String> LANDSLIDE_BANDS =
      List.of(
          "COASTAL AEROSOL",
          "BLUE",
          "GREEN",
          "RED",
          "RED_EDGE_1",
          "RED_EDGE_2",
          "RED_EDGE_3",
          "NIR_BROAD",
          "WATER_VAPOR",
          "CIRRUS",
          "SWIR_1",
          "SWIR_2",
          "SLOPE",
          "DEM");

  static ExperimentConfig config(String text) {
    return ExperimentConfig.parse(
        ("EXPERIMENT_NAME=tt\nSCHEDULER=slurm\n"
                + (text.contains("TRAINER=") ? "" : "TRAINER=terratorch\n")
                + "CROP_DATASET_PATH=/d/crop\nLANDSLIDE_DATASET_PATH=/d/ls\n"
                + "BIOMASS_DATASET_PATH=/d/bm\n"
                + text)
            .getBytes(StandardCharsets.UTF_8),
        "config.env",
        Fixtures.tasks());
  }

  static List<JobSpec> jobs(ExperimentConfig cfg) {
    return RunPlan.of(cfg, COMMIT, Instant.parse("2026-11-25T02:00:00Z"), 1, Path.of("/w")).jobs();
  }

  static String render(ExperimentConfig cfg, JobSpec job, String version, String scheduler) {
    return new ScriptRenderer(Fixtures.templates(), new Site("", "", "", "test", version))
        .render(job, cfg, scheduler, COMMIT);
  }

  static String render(String configText, String task, String version) {
    ExperimentConfig cfg = config(configText);
    JobSpec job =
        jobs(cfg).stream().filter(j -> j.task().name().equals(task)).findFirst().orElseThrow();
    return render(cfg, job, version, "slurm");
  }

  /** The inline YAML list of a key of the effective task config, such as {@code bands}. */
  static List<String> yamlList(String script, String key) {
    Matcher m = Pattern.compile("\\n\\s+" + key + ": \\[([^\\]]*)\\]").matcher(script);
    assertTrue(m.find(), key + " in\n" + script);
    return List.of(m.group(1).split(",\\s*"));
  }

  @Test
  void biomass_passesNoDataRoot_whichTheGenericDatamoduleDoesNotTake() {
    String script = render("", "biomass", "1.1");
    assertFalse(
        Pattern.compile("\\n\\s+data_root:").matcher(script).find(),
        "GenericNonGeoPixelwiseRegressionDataModule has no data_root:\n" + script);
    for (String split : List.of("train", "val", "test")) {
      assertTrue(script.contains("--data.init_args." + split + "_data_root /d/bm/"), split);
      assertTrue(script.contains("--data.init_args." + split + "_label_data_root /d/bm/"), split);
    }
  }

  @Test
  void biomass_namesAllElevenFileBands_withThePublishedStatistics() {
    String script = render("", "biomass", "1.1");
    List<String> file = yamlList(script, "dataset_bands");
    assertEquals(
        List.of(
            "-1", "BLUE", "GREEN", "RED", "NIR_NARROW", "SWIR_1", "SWIR_2", "-1", "-1", "-1", "-1"),
        file);
    assertEquals(
        List.of("BLUE", "GREEN", "RED", "NIR_NARROW", "SWIR_1", "SWIR_2"),
        yamlList(script, "output_bands"));
    assertEquals(
        List.of("411.4701", "558.54065", "815.94025", "812.4403", "1113.7145", "1067.641"),
        yamlList(script, "stds"));
    assertEquals(
        List.of("547.36707", "898.5121", "1020.9082", "2665.5352", "2340.584", "1610.1407"),
        yamlList(script, "means"));
  }

  @Test
  void biomass_predictsFloat32_notTheTruncatingDefault() {
    assertTrue(render("", "biomass", "1.1").contains("/d/bm/test_images --out_dtype float32)"));
  }

  @Test
  void landslide_feedsTheSixNasaBands_onBothSides_spelledAsTerratorchDoes() {
    String script = render("", "landslide", "1.1");
    List<String> data = yamlList(script, "bands");
    List<String> backbone = yamlList(script, "backbone_bands");
    assertEquals(List.of("BLUE", "GREEN", "RED", "NIR_BROAD", "SWIR_1", "SWIR_2"), data);
    assertEquals(data, backbone, "in_chans = len(backbone_bands) must match the channels fed");
    assertTrue(LANDSLIDE_BANDS.containsAll(data), data.toString());
    assertTrue(script.contains("TT_RGB=2,1,0\n"), "RED, GREEN, BLUE of the six");
  }

  @Test
  void sweep_givesEveryTrialItsOwnConfigLightningFolderAndResumeGlob() {
    ExperimentConfig cfg = config("GEOFM=prithvi_eo_v1_100,prithvi_eo_v2_300\nTASKS=landslide\n");
    List<JobSpec> trials = jobs(cfg);
    assertEquals(2, trials.size());
    String small = render(cfg, trials.get(0), "1.1", "slurm");
    String large = render(cfg, trials.get(1), "1.1", "slurm");
    for (String name : List.of("TT_CONFIG", "TT_ROOT", "TT_PLOT")) {
      assertNotEquals(line(small, name + "="), line(large, name + "="), name);
    }
    assertTrue(line(small, "TT_CONFIG=").endsWith("/" + trials.get(0).trial().id() + ".yaml"));
    assertTrue(small.contains("  --trainer.default_root_dir \"$TT_ROOT\"\n"), small);
    assertTrue(small.contains("\"$TT_ROOT\"/hpc_ckpt_*.ckpt"), small);
    assertTrue(small.contains("indices: [2, 5, 8, 11]"));
    assertTrue(large.contains("indices: [5, 11, 17, 23]"));
  }

  private static String line(String script, String start) {
    return script.lines().filter(l -> l.startsWith(start)).findFirst().orElseThrow();
  }

  @Test
  void onExceptionCheckpoint_isAddedToFitAlone() {
    ExperimentConfig cfg = config("TASKS=crop_classification\nSTAGES=train,evaluate\n");
    JobSpec train = jobs(cfg).get(0);
    String evaluate = render(cfg, train.evaluate("", null), "1.1", "slurm");
    assertFalse(evaluate.contains("OnExceptionCheckpoint\""), evaluate);
    String all = render("TASKS=crop_classification\n", "crop_classification", "1.1");
    String args =
        all.substring(all.indexOf("TT_ARGS=("), all.indexOf("\n)\n", all.indexOf("TT_ARGS=(")));
    assertFalse(args.contains("OnExceptionCheckpoint"), "test and predict share TT_ARGS");
    assertTrue(all.contains("terratorch fit \"${TT_ARGS[@]}\" \"${TT_FIT[@]}\""), all);
  }

  @Test
  void arrays_thatMayBeEmpty_expandSafelyUnderSetUOnBash43() {
    for (String task : List.of("crop_classification", "landslide", "biomass")) {
      String script = render("", task, "1.1");
      Matcher m = Pattern.compile("\"\\$\\{([A-Z_]+)\\[@\\]\\}\"").matcher(script);
      while (m.find()) {
        String name = m.group(1);
        boolean guarded = script.startsWith("${" + name + "[@]+", m.start() - name.length() - 6);
        boolean neverEmpty = List.of("TT_ARGS", "TT_FIT", "TT_PREDICT").contains(name);
        assertTrue(guarded || neverEmpty, task + ": unguarded \"${" + name + "[@]}\"");
      }
      assertTrue(script.contains("${RESUME[@]+\"${RESUME[@]}\"}"), task);
    }
  }

  @Test
  void slurm_runsOneTaskPerGpu() {
    String four = render("GPUS_PER_JOB=4\nCPUS_PER_JOB=16\n", "landslide", "1.1");
    assertTrue(four.contains("#SBATCH --ntasks-per-node=4\n#SBATCH --cpus-per-task=4\n"), four);
    assertFalse(four.contains("#SBATCH --ntasks=1\n"));
    assertTrue(four.contains("TT_LAUNCH=(srun --kill-on-bad-exit=1)"), four);
    String one = render("GPUS_PER_JOB=1\nCPUS_PER_JOB=8\n", "landslide", "1.1");
    assertTrue(one.contains("#SBATCH --ntasks=1\n#SBATCH --cpus-per-task=8\n"), one);
  }

  @Test
  void versions_refuseABackboneOrGateMetricTheVersionLacks() {
    CairnException tiny =
        assertThrows(
            CairnException.class,
            () -> render("GEOFM=prithvi_eo_v2_tiny_tl\n", "landslide", "1.0"));
    assertTrue(
        tiny.getMessage()
            .startsWith("GEOFM=prithvi_eo_v2_tiny_tl is not registered in TerraTorch 1.0"),
        tiny.getMessage());
    render("GEOFM=prithvi_eo_v2_tiny_tl\n", "landslide", "1.1.0");
    CairnException boundary =
        assertThrows(
            CairnException.class,
            () -> render("LANDSLIDE_QUALITY_GATE=test/Boundary_mIoU>=0.2\n", "landslide", "1.1.0"));
    assertTrue(
        boundary.getMessage().contains("does not log test/Boundary_mIoU"), boundary.getMessage());
    for (String version : List.of("1.1", "1.2")) {
      assertTrue(
          render("LANDSLIDE_QUALITY_GATE=test/Boundary_mIoU>=0.2\n", "landslide", version)
              .contains("\"monitor\":\"val/Boundary_mIoU\""),
          version);
    }
  }

  @Test
  void learningRate_unset_leavesEachTrainerItsOwn() {
    assertFalse(render("", "landslide", "1.1").contains("--optimizer.init_args.lr"));
    assertTrue(
        render("LEARNING_RATE=3e-5\n", "landslide", "1.1")
            .contains("  --optimizer.init_args.lr 3e-5\n"));
    String demo = render("TRAINER=demo\n", "landslide", "1.1");
    assertFalse(demo.contains("--learning-rate"), demo);
  }

  @Test
  void committedConfig_rendersWithBothTrainers() throws Exception {
    String committed = new String(Fixtures.committedConfig(), StandardCharsets.UTF_8);
    for (String trainer : List.of("demo", "terratorch")) {
      ExperimentConfig cfg =
          ExperimentConfig.parse(
              committed
                  .replaceAll("(?m)^TRAINER=.*$", "TRAINER=" + trainer)
                  .getBytes(StandardCharsets.UTF_8),
              "config.env",
              Fixtures.tasks());
      for (JobSpec job : jobs(cfg)) {
        String script = render(cfg, job, "1.1", "slurm");
        assertFalse(script.contains("--learning-rate 5e-3"), trainer);
        assertFalse(script.contains("--optimizer.init_args.lr 5e-3"), trainer);
      }
    }
  }

  @Test
  void crop_reportsThatItsTestSplitIsTheValidationSplit_andTheReshapeBefore12() {
    String old = render("", "crop_classification", "1.1");
    assertTrue(old.contains("the test split is the validation split"), old);
    assertTrue(old.contains("upstream issue #1080"), old);
    String current = render("", "crop_classification", "1.2");
    assertTrue(current.contains("the test split is the validation split"));
    assertFalse(current.contains("TT_NOTES+=("), "1.2 reshapes the chips date-major");
  }
}
