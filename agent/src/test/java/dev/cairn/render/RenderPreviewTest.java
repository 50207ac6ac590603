package dev.cairn.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.CairnException;
import dev.cairn.config.ExperimentConfig;
import dev.cairn.testing.Fixtures;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@code render} shows of a config, planned and rendered without the command line. */
class RenderPreviewTest {
  /** Four trials of one task and one resource shape, two at once. */
  private static final String SWEEP =
      "EXPERIMENT_NAME=preview\nTASKS=crop_classification\nTRAINER=demo\n"
          + "GEOFM=prithvi_eo_v1_100,prithvi_eo_v2_300\nLEARNING_RATE=1e-4,3e-4\n"
          + "SWEEP_MAX_PARALLEL=2\nSCHEDULER=slurm\n";

  @TempDir Path tmp;

  private static ExperimentConfig config(String text) {
    return ExperimentConfig.parse(
        text.getBytes(StandardCharsets.UTF_8), "config.env", Fixtures.tasks());
  }

  private RenderPreview plan(String text, String scheduler, int maxArraySize) {
    return RenderPreview.plan(
        config(text),
        scheduler,
        256,
        maxArraySize,
        ScriptRendererTest.COMMIT,
        ScriptRendererTest.SUBMITTED,
        tmp.resolve("work"));
  }

  @Test
  void listing_namesTheArraysInTheSchedulersOwnSyntax_andHoldsBackWhatTheCapLeaves() {
    List<String> lsf = plan(SWEEP, "lsf", 2).listing();

    assertEquals("# 4 trial(s) of 1 task(s), at most 2 at once:", lsf.get(0));
    assertEquals(
        4, lsf.stream().filter(l -> l.matches("# crop_classification-.*  GEOFM=.*")).count());
    // two arrays of two: the cap of 2 starts the first, the second waits
    List<String> arrays = lsf.stream().filter(l -> l.startsWith("# array ")).toList();
    assertEquals(2, arrays.size(), String.join("\n", lsf));
    assertTrue(
        arrays.get(0).endsWith(": 2 trials of crop_classification as [1-2]%2 (lsf)"),
        arrays.get(0));
    assertTrue(arrays.get(1).endsWith("(lsf), held back"), arrays.get(1));
    assertEquals(
        "# SWEEP_MAX_PARALLEL=2 for the whole run: 1 array(s) [1-2]%2 start at once; 1 array(s)"
            + " [1-2]%2 wait until trials end, each then throttled to the slots free (at most its"
            + " %K).",
        lsf.get(lsf.size() - 1));

    List<String> slurm = plan(SWEEP, "slurm", 2).listing();
    assertTrue(
        slurm.get(slurm.size() - 1).contains("1 array(s) 0-1%2 start at once"), slurm.toString());
  }

  @Test
  void listing_onASchedulerWithoutArrays_submitsTrialsOneByOne() {
    List<String> local = plan(SWEEP, "local", 1001).listing();

    assertFalse(local.stream().anyMatch(l -> l.startsWith("# array ")), local.toString());
    assertEquals(
        "# SWEEP_MAX_PARALLEL=2: the agent submits trials one by one, at most 2 in the scheduler"
            + " at once.",
        local.get(local.size() - 1));
  }

  @Test
  void listing_followsATrainJobWithItsEvaluateJob() {
    List<String> lines =
        plan(
                "EXPERIMENT_NAME=staged\nTASKS=landslide\nTRAINER=demo\nSTAGES=train,evaluate\n"
                    + "EVAL_PARTITION=short\nEVAL_TIME_LIMIT=00:20:00\n",
                null,
                1001)
            .listing();

    assertEquals(3, lines.size(), lines.toString());
    assertTrue(lines.get(1).startsWith("# landslide "), lines.get(1));
    assertTrue(lines.get(2).startsWith("#   then evaluate: partition=short "), lines.get(2));
  }

  @Test
  void plan_refusesASweepLargerThanTheSitesLimit() {
    CairnException e =
        assertThrows(
            CairnException.class,
            () ->
                RenderPreview.plan(
                    config(SWEEP),
                    null,
                    3,
                    1001,
                    ScriptRendererTest.COMMIT,
                    ScriptRendererTest.SUBMITTED,
                    tmp));
    assertTrue(e.getMessage().contains("at most 3 per run"), e.getMessage());
  }

  @Test
  void scripts_areTheTrialsThenTheArrays_writtenUnderTheirFileNames() throws Exception {
    RenderPreview preview = plan(SWEEP, "slurm", 2);
    List<RenderPreview.Script> scripts = preview.scripts(ScriptRendererTest.renderer(""));

    assertEquals(6, scripts.size());
    RenderPreview.Script first = scripts.get(0);
    assertTrue(first.fileName().matches("crop_classification-.*\\.slurm\\.sh"), first.fileName());
    assertEquals(
        "# ===== " + first.fileName().replace(".slurm.sh", "") + " (slurm) =====", first.banner());
    assertTrue(first.text().startsWith("#!/bin/bash"), first.text());
    RenderPreview.Script held = scripts.get(5);
    assertTrue(held.fileName().startsWith("array-crop_classification"), held.fileName());
    assertTrue(held.banner().endsWith(" 0-1%2, held back (slurm) ====="), held.banner());
    assertTrue(held.text().contains("#SBATCH --array=0-1%2"), held.text());

    List<Path> files = RenderPreview.write(scripts, tmp.resolve("out/scripts"));
    assertEquals(6, files.size());
    for (int i = 0; i < files.size(); i++) {
      assertEquals(scripts.get(i).fileName(), files.get(i).getFileName().toString());
      assertEquals(scripts.get(i).text(), Files.readString(files.get(i)));
    }
  }

  @Test
  void renderer_copiesTheDemoTrainerOnlyWhereScriptsWillRunIt() throws Exception {
    ExperimentConfig demo = config(SWEEP);
    Path home = tmp.resolve("home/.cairn");

    RenderPreview.renderer(Fixtures.templates(), demo, "", null, false, home, "");
    assertFalse(Files.exists(home.resolve("demo-trainer.jar")), "a list copies nothing");

    RenderPreview.renderer(Fixtures.templates(), demo, "", tmp.resolve("mine.jar"), true, home, "");
    assertFalse(Files.exists(home.resolve("demo-trainer.jar")), "a named jar is used as is");

    RenderPreview.renderer(Fixtures.templates(), demo, "", null, true, home, "");
    assertTrue(Files.size(home.resolve("demo-trainer.jar")) > 0);
  }

  /** Two backbones on three tasks, the larger one routed to an LSF cluster. */
  private static final String ROUTED =
      "EXPERIMENT_NAME=preview\nTRAINER=demo\nTASKS=crop_classification,landslide,biomass\n"
          + "GEOFM=prithvi_eo_v2_300,prithvi_eo_v2_600\nPRITHVI_EO_V2_600_CLUSTER=lsf\n";

  private RenderPreview share(String text, String cluster) {
    return RenderPreview.plan(
        config(text),
        null,
        cluster,
        256,
        1001,
        ScriptRendererTest.COMMIT,
        ScriptRendererTest.SUBMITTED,
        tmp.resolve("work"));
  }

  @Test
  void cluster_showsOnlyTheTrialsRoutedThere_andSaysSo() throws Exception {
    RenderPreview lsf = share(ROUTED, "lsf");
    List<String> lines = lsf.listing();
    assertTrue(lines.get(0).startsWith("# only what cluster lsf runs"), lines.get(0));
    assertTrue(lines.get(0).contains("(of 6 in the run"), lines.get(0));
    assertEquals("# 3 trial(s) of 3 task(s):", lines.get(1));
    List<String> trials = lines.stream().filter(l -> l.contains("GEOFM=")).toList();
    assertEquals(3, trials.size(), String.join("\n", lines));
    assertTrue(trials.stream().allMatch(l -> l.contains("GEOFM=prithvi_eo_v2_600")));
    assertTrue(trials.stream().allMatch(l -> l.endsWith(" cluster=lsf")), trials.get(0));

    ScriptRenderer renderer =
        new ScriptRenderer(TemplateSet.bundled(), new Site("", "/t.jar", "", "test"));
    List<RenderPreview.Script> scripts = lsf.scripts(renderer);
    assertEquals(3, scripts.size());
    assertTrue(scripts.stream().allMatch(s -> s.fileName().contains("prithvi_eo_v2_600")));
  }

  @Test
  void cluster_theWholeRunListsEachTrialsCluster() {
    List<String> lines = plan(ROUTED, "slurm", 1001).listing();
    List<String> trials = lines.stream().filter(l -> l.contains("GEOFM=")).toList();
    assertEquals(3, trials.stream().filter(l -> l.endsWith(" cluster=default")).count());
    assertEquals(3, trials.stream().filter(l -> l.endsWith(" cluster=lsf")).count());
  }

  @Test
  void cluster_aNameNoTrialIsRoutedTo_namesTheClustersTheConfigRoutesTo() {
    CairnException e = assertThrows(CairnException.class, () -> share(ROUTED, "hpc"));
    assertTrue(
        e.getMessage()
            .startsWith(
                "the config routes no trial to cluster hpc; it routes to default (3 trials),"
                    + " lsf (3 trials)."),
        e.getMessage());
  }

  @Test
  void cluster_aConfigThatRoutesNothingRunsWholeOnAnyCluster_andItsListingIsUnchanged() {
    List<String> whole = plan(SWEEP, "slurm", 1001).listing();
    List<String> any = share(SWEEP.replace("SCHEDULER=slurm\n", ""), "lsf").listing();
    assertTrue(any.get(0).startsWith("# the config routes no trial to a cluster"), any.get(0));
    assertEquals(whole, any.subList(1, any.size()));
    assertFalse(String.join("\n", whole).contains("cluster="));
  }
}
