package dev.cairn.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.testing.Fixtures;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExperimentConfigTest {
  private static final List<TaskDefinition> TASKS = Fixtures.tasks();

  private static ExperimentConfig parse(String text) {
    return ExperimentConfig.parse(text.getBytes(StandardCharsets.UTF_8), "config.env", TASKS);
  }

  private static TaskDefinition task(String name) {
    return TASKS.stream().filter(t -> t.name().equals(name)).findFirst().orElseThrow();
  }

  private static ConfigError error(String text) {
    return assertThrows(ConfigError.class, () -> parse(text));
  }

  @Test
  void resource_withoutAModelIsTheTasksOrTheBaseValue() {
    ExperimentConfig cfg =
        parse("EXPERIMENT_NAME=x\nTRAINER=demo\nPARTITION=gpu\nCROP_PARTITION=big\n");
    TaskDefinition crop = task("crop_classification");
    TaskDefinition other = task("landslide");
    assertEquals("big", cfg.resource("PARTITION", crop, null));
    assertEquals("gpu", cfg.resource("PARTITION", other, null));
  }

  @Test
  void parse_acceptsTheCommittedConfig() throws Exception {
    ExperimentConfig cfg =
        ExperimentConfig.parse(Fixtures.committedConfig(), "config/config.env", TASKS);
    assertEquals(
        List.of("crop_classification", "landslide", "biomass"),
        cfg.tasks().stream().map(TaskDefinition::name).toList());
    assertEquals("prithvi_eo_v2_300", cfg.model());
    assertTrue(cfg.epochs() >= 1);
    assertEquals(64, cfg.sha256().length());
  }

  @Test
  void parse_keepsTheOriginalPipelinesKeys() {
    ExperimentConfig cfg =
        parse(
            "EXPERIMENT_NAME=legacy\nGEOFM=prithvi_eo_v1_100\nCROP_DATASET_PATH=/d/crop\n"
                + "LANDSLIDE_DATASET_PATH=/d/ls\nBIOMASS_DATASET_PATH=/d/bm\nEPOCHS=50\n"
                + "NUM_WORKERS=8\nBATCH_SIZE=4\n");
    assertEquals("prithvi_eo_v1_100", cfg.model());
    assertEquals(50, cfg.epochs());
    assertEquals(8, cfg.numWorkers());
    assertEquals(4, cfg.batchSize());
    assertEquals("/d/ls", cfg.datasetPaths().get("landslide"));
    assertEquals("terratorch", cfg.trainer());
  }

  @Test
  void parse_fillsDefaultsAndTypesValues() {
    ExperimentConfig cfg =
        parse(
            "EXPERIMENT_NAME=x\nTRAINER=demo\nTIME_LIMIT=1-02:03:04\nMEMORY_PER_JOB=2G\nTASKS=biomass, landslide\n");
    assertEquals(Duration.ofDays(1).plusHours(2).plusMinutes(3).plusSeconds(4), cfg.timeLimit());
    assertEquals(2048, cfg.memoryMb());
    assertEquals(
        List.of("biomass", "landslide"), cfg.tasks().stream().map(TaskDefinition::name).toList());
    assertEquals("test/RMSE<=80", cfg.gates().get("biomass").toString());
  }

  @Test
  void parse_suggestsTheKeyMeantForATypo() {
    ConfigError e = error("EXPERIMENT_NAME=x\nTRAINER=demo\nEPOCS=3\n");
    assertEquals(
        List.of("EPOCS is not a key of config.env; did you mean EPOCHS? (line 3)"), e.problems());
  }

  @Test
  void parse_suggestsTheTaskAPrefixNames() {
    ConfigError e = error("EXPERIMENT_NAME=x\nTRAINER=demo\nTASKS=crop\n");
    assertEquals(1, e.problems().size(), e.problems().toString());
    assertTrue(
        e.problems().get(0).contains("'crop' is not a task;")
            && e.problems().get(0).endsWith("; did you mean crop_classification? (line 3)"),
        e.problems().toString());
  }

  @Test
  void parse_rejectsShellInANumberNamingTheKey() {
    ConfigError e = error("EXPERIMENT_NAME=x\nTRAINER=demo\nEPOCHS=3; rm -rf ~\n");
    assertEquals(1, e.problems().size());
    assertTrue(
        e.problems().get(0).startsWith("EPOCHS='3; rm -rf ~' is not allowed: use a whole number"),
        e.getMessage());
  }

  @Test
  void parse_rejectsANewlineInAValue() {
    ConfigError e =
        error("EXPERIMENT_NAME=x\nTRAINER=demo\nCROP_DATASET_PATH=\"/data\nrm -rf ~\"\n");
    assertTrue(e.getMessage().contains("CROP_DATASET_PATH="), e.getMessage());
    assertTrue(e.getMessage().contains("newline"), e.getMessage());
  }

  @Test
  void parse_rejectsCommandSubstitutionInAPath() {
    ConfigError e = error("EXPERIMENT_NAME=x\nTRAINER=demo\nBIOMASS_DATASET_PATH=/d/$(id)\n");
    assertTrue(
        e.getMessage().startsWith("config.env: BIOMASS_DATASET_PATH='/d/$(id)' is not allowed"),
        e.getMessage());
  }

  @Test
  void parse_reportsEveryProblemAtOnce() {
    ConfigError e =
        error(
            "GEOFM=prithvi_eo_v3\nEPOCHS=0\nSCHEDULER=no-such-scheduler\nCROP_QUALITY_GATE=mIoU is high\n");
    // EXPERIMENT_NAME is missing too, but that is no problem: the name is derived from GEOFM
    assertEquals(4, e.problems().size(), e.getMessage());
    assertTrue(
        e.getMessage()
            .contains(
                "SCHEDULER='no-such-scheduler' is not allowed: use one of "
                    + String.join(", ", SchedulerName.ids())),
        e.getMessage());
    assertTrue(
        e.getMessage()
            .contains("CROP_QUALITY_GATE='mIoU is high' is not allowed: use METRIC>=NUMBER"),
        e.getMessage());
  }

  @Test
  void parse_suggestsAChoiceForAMisspelledValue() {
    ConfigError e = error("EXPERIMENT_NAME=x\nTRAINER=demo\nTASKS=crop_clasification\n");
    assertTrue(e.getMessage().contains("did you mean crop_classification?"), e.getMessage());
  }

  @Test
  void parse_stages_namesTheChoicesSoACommaInOneReadsRight() {
    ConfigError e = error("EXPERIMENT_NAME=x\nTRAINER=demo\nSTAGES=train\n");
    assertEquals(
        List.of(
            "STAGES='train' is not allowed: use one of 'all', 'train,evaluate'; did you mean"
                + " train,evaluate? (line 3)"),
        e.problems());
    ExperimentConfig split =
        parse("EXPERIMENT_NAME=x\nTRAINER=demo\nSTAGES=train,evaluate\nEVAL_TIME_LIMIT=20\n");
    assertTrue(split.splitsStages());
    assertEquals(java.time.Duration.ofMinutes(20), split.evalTimeLimit());
    assertTrue(!parse("EXPERIMENT_NAME=x\nTRAINER=demo\n").splitsStages());
  }

  @Test
  void parse_requiresDatasetsForTerratorch() {
    ConfigError e = error("EXPERIMENT_NAME=x\nTASKS=landslide\n");
    assertEquals(
        List.of(
            "LANDSLIDE_DATASET_PATH is empty but TASKS runs landslide with TRAINER=terratorch; set it to the dataset's folder"),
        e.problems());
  }

  @Test
  void parse_rejectsDuplicatesAndExport() {
    assertTrue(
        error("EXPERIMENT_NAME=x\nEXPERIMENT_NAME=y\n")
            .getMessage()
            .contains("EXPERIMENT_NAME is set twice"));
    assertTrue(
        error("export EXPERIMENT_NAME=x\n").getMessage().contains("line 1 starts with 'export'"));
  }

  @Test
  void parse_namesTheLineThatIsNotKeyValue() {
    ConfigError e = error("EXPERIMENT_NAME=x\nTRAINER=demo\nEPOCHS 3\n");
    assertEquals(
        List.of("line 3 'EPOCHS 3' is not KEY=value; write KEY=value or a # comment"),
        e.problems());
  }

  @Test
  void parse_acceptsQuotesAndComments() {
    ExperimentConfig cfg = parse("# c\nEXPERIMENT_NAME='quoted'\nTRAINER=\"demo\" # trailing\n");
    assertEquals("quoted", cfg.experimentName());
    assertEquals("demo", cfg.trainer());
  }

  @Test
  void gate_comparesInBothDirections() {
    assertTrue(QualityGate.parse("test/RMSE<=30").passes(29.5));
    assertTrue(!QualityGate.parse("test/RMSE<=30").passes(30.5));
    assertTrue(QualityGate.parse("test/mIoU>0.3").passes(0.31));
    assertEquals("test/F1>=0.5", QualityGate.parse(" test/F1 >= 0.50 ").toString());
  }

  @Test
  void parse_rejectsTextAfterAClosingQuoteAndKeepsTheLinesAfterIt() {
    ConfigError e = error("EXPERIMENT_NAME=x\nTRAINER=demo\nEPOCHS=\"3; rm -rf ~\"x\nSEED=1\n");
    assertEquals(1, e.problems().size(), e.getMessage());
    assertTrue(e.problems().get(0).startsWith("line 3: EPOCHS="), e.getMessage());
    assertTrue(e.problems().get(0).contains("text after its closing quote"), e.getMessage());
  }

  @Test
  void parse_rejectsAnUnclosedQuoteInsteadOfSwallowingTheRest() {
    ConfigError e = error("EXPERIMENT_NAME=x\nTRAINER=demo\nSEED=\"start\nEPOCHS=3\n");
    assertEquals(1, e.problems().size(), e.getMessage());
    assertTrue(e.problems().get(0).startsWith("line 3: SEED="), e.getMessage());
    assertTrue(e.problems().get(0).contains("no closing \""), e.getMessage());
  }

  @Test
  void parse_namesBothLinesOfADuplicateKey() {
    ConfigError e = error("EXPERIMENT_NAME=x\nTRAINER=demo\nEPOCHS=3\nEPOCHS=4\n");
    assertEquals(List.of("EPOCHS is set twice (lines 3 and 4); keep one line"), e.problems());
  }

  @Test
  void parse_rejectsATimeLimitThatWouldOverflow() {
    ConfigError e = error("EXPERIMENT_NAME=x\nTRAINER=demo\nTIME_LIMIT=999999999999999999\n");
    assertTrue(e.problems().get(0).startsWith("TIME_LIMIT='999999999999999999' is not allowed"));
    assertTrue(e.problems().get(0).endsWith("(line 3)"), e.getMessage());
    error("EXPERIMENT_NAME=x\nTRAINER=demo\nTIME_LIMIT=99999999999999999999999-00:00\n");
  }

  @Test
  void parse_rejectsAMemorySizeThatWouldWrapAround() {
    ConfigError e = error("EXPERIMENT_NAME=x\nTRAINER=demo\nMEMORY_PER_JOB=17592186044417T\n");
    assertTrue(e.problems().get(0).startsWith("MEMORY_PER_JOB='17592186044417T'"), e.getMessage());
    error("EXPERIMENT_NAME=x\nTRAINER=demo\nMEMORY_PER_JOB=1000000000000T\n");
  }

  @Test
  void parse_rejectsAGateThatIsNotFinite() {
    ConfigError e = error("EXPERIMENT_NAME=x\nTRAINER=demo\nCROP_QUALITY_GATE=test/mIoU>=1e999\n");
    assertTrue(
        e.problems().get(0).startsWith("CROP_QUALITY_GATE='test/mIoU>=1e999' is not allowed"),
        e.getMessage());
  }

  @Test
  void parse_rejectsADatasetPathThatReadsAsAnOption() {
    ConfigError e = error("EXPERIMENT_NAME=x\nTRAINER=demo\nCROP_DATASET_PATH=--help\n");
    assertTrue(e.problems().get(0).contains("not starting with '-'"), e.getMessage());
  }

  @Test
  void experimentNameOf_neverThrows() {
    assertEquals(
        "x", ExperimentConfig.experimentNameOf("EXPERIMENT_NAME=x\nTIME_LIMIT=9e99\n".getBytes()));
    assertEquals("rejected", ExperimentConfig.experimentNameOf("EXPERIMENT_NAME=\"x\n".getBytes()));
    assertEquals("rejected", ExperimentConfig.experimentNameOf(new byte[] {(byte) 0xff}));
    assertEquals("rejected", ExperimentConfig.experimentNameOf("EXPERIMENT_NAME=../x".getBytes()));
  }

  @Test
  void clusters_routeByModelOverTaskOverCluster_andDefaultWhereARoutedConfigNamesNone() {
    ExperimentConfig routed =
        parse(
            "EXPERIMENT_NAME=x\nTRAINER=demo\nCROP_CLUSTER=dept\n"
                + "PRITHVI_EO_V2_600_CLUSTER=lsf\n");
    assertTrue(routed.routesClusters());
    assertEquals("lsf", routed.cluster(task("crop_classification"), "prithvi_eo_v2_600"));
    assertEquals("dept", routed.cluster(task("crop_classification"), "prithvi_eo_v2_300"));
    assertEquals("default", routed.cluster(task("landslide"), "prithvi_eo_v2_300"));
    ExperimentConfig plain = parse("EXPERIMENT_NAME=x\nTRAINER=demo\n");
    assertFalse(plain.routesClusters());
    assertEquals("", plain.cluster(task("landslide"), "prithvi_eo_v2_600"));
    ExperimentConfig all = parse("EXPERIMENT_NAME=x\nTRAINER=demo\nCLUSTER=hpc\n");
    assertEquals("hpc", all.cluster(task("biomass"), null));
  }

  @Test
  void clustersNamedBy_readsTheRoutingKeysOfAnyBytes_withoutThrowing() {
    assertEquals(
        java.util.Set.of("default", "lsf"),
        ExperimentConfig.clustersNamedBy(
            "PRITHVI_EO_V2_600_CLUSTER=lsf\nEPOCHS=oops\n".getBytes(StandardCharsets.UTF_8)));
    assertEquals(
        java.util.Set.of("hpc", "lsf"),
        ExperimentConfig.clustersNamedBy(
            "CLUSTER=hpc\nCROP_CLUSTER=lsf\n".getBytes(StandardCharsets.UTF_8)));
    assertEquals(
        java.util.Set.of(),
        ExperimentConfig.clustersNamedBy("EPOCHS=1\n".getBytes(StandardCharsets.UTF_8)));
    assertEquals(java.util.Set.of(), ExperimentConfig.clustersNamedBy(new byte[] {0, 1, 2, -1}));
  }

  @Test
  void cluster_withASpaceOrSlash_isRejectedNamingTheKey() {
    ConfigError e = error("EXPERIMENT_NAME=x\nTRAINER=demo\nCROP_CLUSTER=../lsf\n");
    assertTrue(String.join(";", e.problems()).contains("CROP_CLUSTER"), e.problems().toString());
  }
}
