package dev.cairn.ci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.cairn.CairnException;
import dev.cairn.Json;
import dev.cairn.config.ExperimentConfig;
import dev.cairn.model.Announcement;
import dev.cairn.model.StoreKeys;
import dev.cairn.store.FileObjectStore;
import dev.cairn.testing.Fixtures;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClusterCheckTest {
  private static final String SIX =
      "EXPERIMENT_NAME=x\nTRAINER=demo\nGEOFM=prithvi_eo_v2_300,prithvi_eo_v2_600\n"
          + "TASKS=crop_classification,landslide,biomass\n";
  @TempDir Path tmp;
  private FileObjectStore store;

  @BeforeEach
  void setUp() throws Exception {
    store = new FileObjectStore(tmp.resolve("store"));
  }

  private static ExperimentConfig parse(String text) {
    return ExperimentConfig.parse(
        text.getBytes(StandardCharsets.UTF_8), "config.env", Fixtures.tasks());
  }

  private void announce(String cluster, String scheduler, String lastSeen) throws Exception {
    String id = "0000000" + cluster.length() + "-0000-0000-0000-000000000000";
    Announcement a =
        new Announcement(
            Announcement.SCHEMA, cluster, id, "h", scheduler, "1", null, lastSeen, List.of(), 0);
    store.put(StoreKeys.agentKey(cluster, id), Json.MAPPER.writeValueAsBytes(a));
  }

  @Test
  void check_refusesAModelRoutedToAClusterNoAgentAnnounced() throws Exception {
    announce("default", "slurm", "2026-12-07T12:00:00Z");
    CairnException e =
        assertThrows(
            CairnException.class,
            () -> ClusterCheck.check(parse(SIX + "PRITHVI_EO_V2_600_CLUSTER=lsf\n"), store));
    assertEquals(
        "PRITHVI_EO_V2_600_CLUSTER=lsf routes 3 trial(s) to cluster lsf, but no agent has"
            + " announced it in the bucket; known clusters: default (slurm, last seen"
            + " 2026-12-07T12:00:00Z). Start an agent with CAIRN_CLUSTER=lsf or fix the key.",
        e.getMessage());
  }

  @Test
  void check_passesOnceEveryRoutedClusterHasAnAgent() throws Exception {
    announce("default", "slurm", "2026-12-07T12:00:00Z");
    announce("lsf", "lsf", "2026-12-07T12:01:00Z");
    ClusterCheck.check(parse(SIX + "PRITHVI_EO_V2_600_CLUSTER=lsf\n"), store);
  }

  @Test
  void check_aConfigThatRoutesNothingIsNotChecked() throws Exception {
    ClusterCheck.check(parse(SIX), store);
  }

  @Test
  void check_namesTheDefaultClusterOfTrialsNoKeyRoutes() throws Exception {
    announce("lsf", "lsf", "2026-12-07T12:01:00Z");
    CairnException e =
        assertThrows(
            CairnException.class,
            () -> ClusterCheck.check(parse(SIX + "CROP_CLUSTER=lsf\n"), store));
    assertEquals(
        "CLUSTER is unset for 4 trial(s), so they go to cluster default, but no agent has"
            + " announced it in the bucket; known clusters: lsf (lsf, last seen"
            + " 2026-12-07T12:01:00Z). Start an agent with CAIRN_CLUSTER=default or set CLUSTER.",
        e.getMessage());
  }

  @Test
  void check_withNoAgentAtAllSaysSoAndNamesEveryUnknownCluster() throws Exception {
    CairnException e =
        assertThrows(
            CairnException.class,
            () ->
                ClusterCheck.check(
                    parse(SIX + "CLUSTER=hpc\nCROP_CLUSTER=lsf\nLANDSLIDE_CLUSTER=lsf\n"), store));
    assertEquals(
        "CROP_CLUSTER=lsf and LANDSLIDE_CLUSTER=lsf route 4 trial(s) to cluster lsf, but no agent"
            + " has announced it in the bucket; known clusters: none. Start an agent with"
            + " CAIRN_CLUSTER=lsf or fix the keys (no agent has announced hpc either).",
        e.getMessage());
  }

  @Test
  void check_namesTheClusterAKeyRoutesToBeforeTheDefaultOne() throws Exception {
    CairnException e =
        assertThrows(
            CairnException.class,
            () -> ClusterCheck.check(parse(SIX + "PRITHVI_EO_V2_600_CLUSTER=lsf\n"), store));
    assertEquals(
        "PRITHVI_EO_V2_600_CLUSTER=lsf routes 3 trial(s) to cluster lsf, but no agent has"
            + " announced it in the bucket; known clusters: none. Start an agent with"
            + " CAIRN_CLUSTER=lsf or fix the key (no agent has announced default either).",
        e.getMessage());
  }

  @Test
  void routes_countsTheTrialsOfEachClusterByTheKeyThatSentThem() {
    ExperimentConfig c = parse(SIX + "CLUSTER=hpc\nPRITHVI_EO_V2_600_CLUSTER=lsf\n");
    assertEquals(
        Map.of("hpc", Map.of("CLUSTER", 3), "lsf", Map.of("PRITHVI_EO_V2_600_CLUSTER", 3)),
        ClusterCheck.routes(c));
  }
}
