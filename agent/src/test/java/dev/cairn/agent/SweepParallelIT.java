package dev.cairn.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.scheduler.CommandRunner;
import dev.cairn.testing.LoopHarness;
import dev.cairn.testing.SlurmCluster;
import dev.cairn.testing.UsesSlurm;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code SWEEP_MAX_PARALLEL=4} on the real SLURM holds for the whole run: a 12-trial sweep goes as
 * six arrays of two (arrays of at most two), and at every tick squeue shows at most four of its
 * trials running or free to run. The test node has two CPUs, so what counts is what SLURM would
 * start on a node with room: each array's elements but those its throttle holds back ({@code
 * JobArrayTaskLimit}), at most its {@code %K}. Before, each array got {@code %4}: all twelve were
 * free to run.
 */
@UsesSlurm
class SweepParallelIT {
  static SlurmCluster cluster;
  @TempDir Path tmp;
  private LoopHarness loop;

  @BeforeAll
  static void cluster() {
    cluster = SlurmCluster.ensure();
  }

  @BeforeEach
  void setUp() throws Exception {
    loop = new LoopHarness(tmp, Map.of("CAIRN_MAX_ARRAY_SIZE", "2"));
  }

  @AfterEach
  void tearDown() {
    loop.close();
  }

  @Test
  void twelveTrials_neverMoreThanFourAtOnce() throws Exception {
    String commit =
        loop.submit(
            "EXPERIMENT_NAME=parallel-it\nTRAINER=demo\nSCHEDULER=slurm\n"
                + "TASKS=crop_classification,landslide,biomass\n"
                + "GEOFM=prithvi_eo_v1_100,prithvi_eo_v2_tiny_tl\nSEED=1,2\nEPOCHS=2\n"
                + "LEARNING_RATE=5e-3\nGPUS_PER_JOB=0\nCPUS_PER_JOB=1\nMEMORY_PER_JOB=400M\n"
                + "TIME_LIMIT=10\nNUM_WORKERS=1\nSWEEP_MAX_PARALLEL=4\n"
                // what is tested is how many run at once, not how well two epochs train
                + "BIOMASS_QUALITY_GATE=test/RMSE<=1000\n");
    List<String> samples = new ArrayList<>();
    int most = 0;
    long deadline = System.nanoTime() + Duration.ofMinutes(8).toNanos();
    boolean active = true;
    while (active) {
      active = loop.agent.tick();
      String runId =
          loop.agent.runs().isEmpty() ? null : loop.agent.runs().values().iterator().next().runId();
      if (runId != null) {
        int atOnce = runningOrFreeToRun(runId, samples);
        most = Math.max(most, atOnce);
        assertTrue(atOnce <= 4, atOnce + " trials at once; squeue said:\n" + samples.get(0));
      }
      assertTrue(System.nanoTime() < deadline, "the run did not end in 8 minutes");
      Thread.sleep(1000);
    }
    JsonNode status = loop.status(commit);
    assertEquals("SUCCEEDED", status.get("state").asText(), status.toString());
    assertEquals(12, status.get("jobs").size());
    for (JsonNode job : status.get("jobs")) {
      assertEquals("COMPLETED", job.get("state").asText(), job.toString());
    }
    assertTrue(most > 0, "no sample saw the run's trials in the scheduler");
  }

  /**
   * The run's trials SLURM may run now: per array, its elements running or pending for any reason
   * but their array's limit, at most its throttle ({@code ArrayTaskThrottle}); plus plain jobs.
   */
  private static int runningOrFreeToRun(String runId, List<String> samples) throws Exception {
    CommandRunner.Result r =
        run(
            "squeue",
            "--noheader",
            "--array",
            "--states=PENDING,RUNNING,CONFIGURING,COMPLETING",
            "--format=%F|%T|%r|%j");
    samples.add(0, r.stdout());
    Map<String, Integer> eligible = new java.util.LinkedHashMap<>();
    for (String line : r.stdout().split("\n")) {
      String[] f = line.strip().split("\\|", 4);
      if (f.length == 4 && f[3].contains(runId) && !f[2].equals("JobArrayTaskLimit")) {
        eligible.merge(f[0], 1, Integer::sum);
      }
    }
    int n = 0;
    for (Map.Entry<String, Integer> e : eligible.entrySet()) {
      String job = run("scontrol", "show", "job", e.getKey()).stdout();
      var m = java.util.regex.Pattern.compile("ArrayTaskThrottle=(\\d+)").matcher(job);
      int throttle = m.find() ? Integer.parseInt(m.group(1)) : 0;
      n += throttle > 0 ? Math.min(throttle, e.getValue()) : e.getValue();
    }
    return n;
  }

  private static CommandRunner.Result run(String... command) throws Exception {
    CommandRunner.Result r = cluster.runner().run(List.of(command), Duration.ofSeconds(30));
    assertTrue(r.ok(), r.describe());
    return r;
  }
}
