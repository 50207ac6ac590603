package dev.cairn.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.CairnException;
import dev.cairn.config.ConfigError;
import dev.cairn.config.ExperimentConfig;
import dev.cairn.render.ScriptRenderer;
import dev.cairn.render.Site;
import dev.cairn.testing.Fixtures;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class TrialsTest {
  static final String BASE =
      "EXPERIMENT_NAME=cmp\nTASKS=crop_classification,landslide,biomass\nTRAINER=demo\nSCHEDULER=slurm\nPARTITION=gpu\nTIME_LIMIT=02:00:00\n";

  static ExperimentConfig parse(String text) {
    return ExperimentConfig.parse(
        text.getBytes(StandardCharsets.UTF_8), "config.env", Fixtures.tasks());
  }

  @Test
  void of_isTheCartesianProductForEveryTask() {
    ExperimentConfig cfg =
        parse(BASE + "GEOFM=prithvi_eo_v1_100,prithvi_eo_v2_300\nLEARNING_RATE=1e-4,3e-4\n");
    List<Trial> trials = Trials.of(cfg);
    assertEquals(12, trials.size());
    assertEquals(12, trials.stream().map(Trial::id).distinct().count());
    assertEquals("crop_classification-prithvi_eo_v1_100-lr1e-4-s42-b8-e10", trials.get(0).id());
    assertEquals("biomass-prithvi_eo_v2_300-lr3e-4-s42-b8-e10", trials.get(11).id());
    assertEquals(
        Set.of("crop_classification", "landslide", "biomass"),
        trials.stream().map(t -> t.task().name()).collect(Collectors.toSet()));
  }

  @Test
  void id_isStableAcrossRunsAndOrderOfKeys() {
    Map<String, String> a = new LinkedHashMap<>();
    a.put("GEOFM", "prithvi_eo_v2_300");
    a.put("LEARNING_RATE", "3e-4");
    String first = Trials.id("landslide", a);
    ExperimentConfig other =
        parse(BASE + "GEOFM=prithvi_eo_v2_300,prithvi_eo_v2_600\nLEARNING_RATE=3e-4\nSEED=42\n");
    ExperimentConfig same =
        parse(BASE + "LEARNING_RATE=3e-4,1e-3\nGEOFM=prithvi_eo_v2_300\nSEED=42,7\n");
    String inOther =
        Trials.of(other).stream()
            .filter(
                t -> t.task().name().equals("landslide") && t.model().equals("prithvi_eo_v2_300"))
            .findFirst()
            .orElseThrow()
            .id();
    String inSame =
        Trials.of(same).stream()
            .filter(
                t ->
                    t.task().name().equals("landslide")
                        && t.values().get("LEARNING_RATE").equals("3e-4")
                        && t.values().get("SEED").equals("42"))
            .findFirst()
            .orElseThrow()
            .id();
    assertEquals(inOther, inSame);
    assertNotEquals(first, inSame); // the id names every sweepable value, not only those given
  }

  @Test
  void id_fallsBackToAHashWhenTheSlugIsTooLong() {
    Map<String, String> values = new LinkedHashMap<>();
    values.put("GEOFM", "prithvi_eo_v2_600");
    values.put("LEARNING_RATE", "0.000012345678901234567890123456789");
    String id = Trials.id("crop_classification", values);
    assertTrue(id.matches("crop_classification-[0-9a-f]{10}"), id);
    assertEquals(id, Trials.id("crop_classification", new LinkedHashMap<>(values)));
  }

  @Test
  void aConfigWithoutListsHasOneTrialPerTaskNamedAfterIt() {
    List<Trial> trials = Trials.of(parse(BASE));
    assertEquals(
        List.of("crop_classification", "landslide", "biomass"),
        trials.stream().map(Trial::id).toList());
  }

  @Test
  void resources_modelWinsOverTaskWhichWinsOverThePlainKey() {
    ExperimentConfig cfg =
        parse(
            BASE
                + "GEOFM=prithvi_eo_v2_300,prithvi_eo_v2_600\n"
                + "PRITHVI_EO_V2_600_PARTITION=big\n"
                + "BIOMASS_PARTITION=cpu\n"
                + "BIOMASS_TIME_LIMIT=01:00:00\n"
                + "CROP_GPUS_PER_JOB=2\n"
                + "PRITHVI_EO_V2_600_MEMORY_PER_JOB=64G\n");
    Map<String, Resources> byId =
        Trials.of(cfg).stream().collect(Collectors.toMap(Trial::id, Trial::resources));
    String v2 = "-prithvi_eo_v2_300-s42-b8-e10";
    String v6 = "-prithvi_eo_v2_600-s42-b8-e10";
    assertEquals("gpu", byId.get("landslide" + v2).partition());
    assertEquals("big", byId.get("landslide" + v6).partition());
    assertEquals("cpu", byId.get("biomass" + v2).partition());
    assertEquals("big", byId.get("biomass" + v6).partition());
    assertEquals(Duration.ofHours(1), byId.get("biomass" + v6).timeLimit());
    assertEquals(Duration.ofHours(2), byId.get("crop_classification" + v6).timeLimit());
    assertEquals(2, byId.get("crop_classification" + v2).gpus());
    assertEquals(1, byId.get("landslide" + v2).gpus());
    assertEquals(65536, byId.get("landslide" + v6).memMb());
    assertEquals(16384, byId.get("landslide" + v2).memMb());
  }

  @Test
  void render_putsEachTrialsResourcesAndValuesInItsScript() {
    ExperimentConfig cfg =
        parse(
            BASE
                + "GEOFM=prithvi_eo_v2_300,prithvi_eo_v2_600\n"
                + "LEARNING_RATE=1e-4,3e-4\n"
                + "PRITHVI_EO_V2_600_PARTITION=big\n"
                + "BIOMASS_TIME_LIMIT=01:00:00\n");
    RunPlan plan =
        RunPlan.of(cfg, "c0ffee00", Instant.parse("2026-11-25T02:00:00Z"), 1, Path.of("/s"));
    ScriptRenderer renderer =
        new ScriptRenderer(Fixtures.templates(), new Site("", "/t.jar", "/tt", "test"));
    for (JobSpec job : plan.jobs()) {
      String script = renderer.render(job, cfg, "slurm", "c0ffee00");
      boolean big = job.trial().model().equals("prithvi_eo_v2_600");
      boolean biomass = job.task().name().equals("biomass");
      assertEquals(big, script.contains("#SBATCH --partition=big\n"), job.trial().id());
      assertEquals(!big, script.contains("#SBATCH --partition=gpu\n"), job.trial().id());
      assertEquals(
          biomass ? "#SBATCH --time=01:00:00\n" : "#SBATCH --time=02:00:00\n",
          script.lines().filter(l -> l.startsWith("#SBATCH --time=")).findFirst().orElseThrow()
              + "\n");
      assertTrue(script.contains("export CAIRN_GEOFM=" + job.trial().model() + "\n"), script);
      assertTrue(
          script.contains("--learning-rate " + job.trial().values().get("LEARNING_RATE")), script);
      assertTrue(script.contains("/checkpoints/" + job.trial().id() + "\n"), script);
    }
  }

  @Test
  void checkLimit_rejectsASweepLargerThanTheSiteAllowsWithTheCount() {
    ExperimentConfig cfg =
        parse(BASE + "GEOFM=prithvi_eo_v1_100,prithvi_eo_v2_300\nSEED=1,2,3,4,5\n");
    Trials.checkLimit(cfg, 30);
    CairnException e = assertThrows(CairnException.class, () -> Trials.checkLimit(cfg, 29));
    assertTrue(e.getMessage().contains("the sweep has 30 trials"), e.getMessage());
    assertTrue(e.getMessage().contains("CAIRN_MAX_TRIALS"), e.getMessage());
  }

  @Test
  void parse_checksEveryValueOfAListAndRejectsListsOfOtherKeys() {
    ConfigError e =
        assertThrows(ConfigError.class, () -> parse(BASE + "LEARNING_RATE=1e-4,abc\nSEED=1,,2\n"));
    String text = String.join("\n", e.problems());
    assertTrue(text.contains("LEARNING_RATE='1e-4,abc' is not allowed"), text);
    assertTrue(text.contains("SEED='1,,2' is not allowed"), text);
    ConfigError e2 = assertThrows(ConfigError.class, () -> parse(BASE + "NUM_WORKERS=1,2\n"));
    assertTrue(e2.problems().get(0).contains("NUM_WORKERS='1,2'"), e2.problems().toString());
    ConfigError e3 = assertThrows(ConfigError.class, () -> parse(BASE + "CROP_PARTITON=x\n"));
    assertTrue(
        e3.problems().get(0).contains("did you mean CROP_PARTITION?"), e3.problems().toString());
  }

  @Test
  void parse_keepsTheFirstValueInTheScalarFields() {
    ExperimentConfig cfg = parse(BASE + "EPOCHS=3,5\nGEOFM=prithvi_eo_v2_600,prithvi_eo_v1_100\n");
    assertEquals(3, cfg.epochs());
    assertEquals("prithvi_eo_v2_600", cfg.model());
    assertEquals(List.of("3", "5"), cfg.sweep().get("EPOCHS"));
    assertTrue(cfg.sweeps());
  }

  @Test
  void splits_areSweptLikeSeeds_andLeftOutOfTrialsWhenUnset() {
    List<Trial> none = Trials.of(parse(BASE + "GEOFM=prithvi_eo_v2_300,prithvi_eo_v2_600\n"));
    assertTrue(none.stream().noneMatch(t -> t.values().containsKey("SPLITS")), "unset: as before");
    assertEquals("crop_classification-prithvi_eo_v2_300-s42-b8-e10", none.get(0).id());
    List<Trial> two =
        Trials.of(parse(BASE + "GEOFM=prithvi_eo_v2_300,prithvi_eo_v2_600\nSPLITS=fold1,fold2\n"));
    assertEquals(12, two.size());
    assertEquals("fold2", two.get(1).values().get("SPLITS"));
    assertEquals("crop_classification-prithvi_eo_v2_300-s42-b8-e10-spfold2", two.get(1).id());
    ConfigError bad = assertThrows(ConfigError.class, () -> parse(BASE + "SPLITS=../etc,ok\n"));
    assertTrue(bad.getMessage().contains("SPLITS='../etc,ok' is not allowed"), bad.getMessage());
    ConfigError hole = assertThrows(ConfigError.class, () -> parse(BASE + "SPLITS=fold1,,fold2\n"));
    assertTrue(hole.getMessage().contains("a list holds an empty value"), hole.getMessage());
  }
}
