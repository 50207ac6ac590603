package dev.cairn.scheduler.slurm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.model.JobState;
import dev.cairn.scheduler.ExecCommandRunner;
import dev.cairn.scheduler.JobStatus;
import dev.cairn.scheduler.JobSubmission;
import dev.cairn.testing.SlurmCluster;
import dev.cairn.testing.UsesSlurm;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * SlurmScheduler on the real single-node SLURM, with bash jobs that count one step a second into a
 * checkpoint file and resume from it. A job that hits its time limit runs beside the first tests
 * (SLURM's shortest limit is a minute), through the controller's restart, and is awaited after it;
 * the node failure comes last because it kills every job.
 */
@UsesSlurm
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SlurmSchedulerIT {

  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir static Path dir;
  private static SlurmCluster cluster;
  private static SlurmScheduler slurm;
  private static String timeoutJob;
  private static Path timeoutJobOut;
  private static Path timeoutJobSignalled;
  private static final List<String> submitted = new ArrayList<>();

  @BeforeAll
  static void startCluster() throws Exception {
    cluster = SlurmCluster.ensure();
    Map<String, String> env = new HashMap<>(SlurmOptions.defaults().commandEnvironment());
    // as if the agent's own secret had reached sbatch: --export=NONE must still keep it out
    env.put("AWS_SECRET_ACCESS_KEY", "it-secret-value");
    SlurmOptions options =
        new SlurmOptions(
            "sbatch",
            "squeue",
            "sacct",
            "scontrol",
            "scancel",
            List.of(),
            Duration.ofSeconds(30),
            env);
    slurm = new SlurmScheduler(new ExecCommandRunner(), options);
    Job timeout = job("timeout", 600).partition("high").time("1");
    timeoutJob = submit(timeout);
    timeoutJobOut = timeout.out();
    timeoutJobSignalled = timeout.signalled();
  }

  @AfterAll
  static void cancelLeftovers() throws Exception {
    if (slurm != null && !submitted.isEmpty()) {
      slurm.cancel(submitted);
    }
    if (cluster != null) {
      cluster.resumeNode();
    }
  }

  @Test
  @Order(1)
  void submit_completesAndFindsByName() throws Exception {
    Job job = job("ok", 3);
    String id = submit(job);
    assertEquals(Optional.of(id), slurm.findByName(job.name));
    JobStatus done = await(id, s -> s.state().isTerminal());
    assertEquals(JobState.COMPLETED, done.state());
    assertEquals(0, done.exitCode());
    assertEquals("3", job.counter());
  }

  @Test
  @Order(2)
  void status_nonZeroExitIsFailedWithExitCode() throws Exception {
    String id = submit(job("fail", 1).exit(3));
    JobStatus done = await(id, s -> s.state().isTerminal());
    assertEquals(JobState.FAILED, done.state());
    assertEquals(3, done.exitCode());
    assertEquals("NonZeroExitCode", done.reason());
  }

  @Test
  @Order(3)
  void submit_keepsTheAgentsEnvironmentFromTheJob() throws Exception {
    Job job = job("env", 1);
    job.body = "echo \"secret=${AWS_SECRET_ACCESS_KEY-unset} given=${CAIRN_GIVEN-unset}\"\n";
    String id =
        slurm.submit(
            new JobSubmission(
                job.name, job.write(), dir, job.out(), job.err(), Map.of("CAIRN_GIVEN", "a b")));
    submitted.add(id);
    assertEquals(JobState.COMPLETED, await(id, s -> s.state().isTerminal()).state());
    String out = Files.readString(job.out());
    assertTrue(out.contains("secret=unset given=a b"), out);
    assertFalse(out.contains("it-secret-value"), out);
  }

  @Test
  @Order(4)
  void status_preemptedJobIsRequeuedAndResumesFromItsCheckpoint() throws Exception {
    Job low = job("low", 12).mem("3000M");
    String lowId = submit(low);
    await(lowId, s -> s.state() == JobState.RUNNING && low.count() >= 3);
    String highId = submit(job("high", 2).partition("high").mem("3000M"));

    JobStatus requeued = await(lowId, s -> s.state() == JobState.REQUEUED);
    assertEquals(JobState.REQUEUED, requeued.state());
    assertEquals(JobState.COMPLETED, await(highId, s -> s.state().isTerminal()).state());
    assertEquals(JobState.COMPLETED, await(lowId, s -> s.state().isTerminal()).state());
    assertEquals("12", low.counter());
    assertTrue(Files.readString(low.err()).contains("DUE TO PREEMPTION"));
    String out = Files.readString(low.out());
    assertTrue(out.matches("(?s).*start n=[1-9]\\d* restart=1.*"), out);
  }

  @Test
  @Order(6)
  void status_tooShortTimeLimitIsTimeout() throws Exception {
    // slurmctld enforces limits and sends --signal warnings on its own coarse timer, later on a
    // loaded machine: the bound is generous and only what SLURM guarantees is asserted
    JobStatus done = await(timeoutJob, s -> s.state().isTerminal(), Duration.ofSeconds(300));
    assertEquals(JobState.TIMEOUT, done.state());
    assertEquals("TimeLimit", done.reason());
    // the warning may not come at all; when it came, the job wrote its checkpoint in time
    if (Files.readString(timeoutJobOut).contains("USR1: time limit near")) {
      assertTrue(Files.exists(timeoutJobSignalled), "checkpoint written on USR1");
    }
  }

  @Test
  @Order(5)
  void status_throwsWhileControllerIsDownAndJobCompletesAfter() throws Exception {
    Job job = job("ctld", 10);
    String id = submit(job);
    await(id, s -> s.state() == JobState.RUNNING && job.count() >= 1);
    cluster.stopController();
    try {
      assertThrows(IOException.class, () -> slurm.status(List.of(id)));
    } finally {
      cluster.startController();
    }
    JobStatus done = await(id, s -> s.state().isTerminal());
    assertEquals(JobState.COMPLETED, done.state());
    assertEquals("10", job.counter());
  }

  @Test
  @Order(7)
  void status_nodeDownRequeuesOrFailsRunningJobs() throws Exception {
    Job requeue = job("nodedown", 8);
    Job once = job("nodefail", 30).noRequeue();
    String requeueId = submit(requeue);
    String onceId = submit(once);
    await(requeueId, s -> s.state() == JobState.RUNNING && requeue.count() >= 2);
    await(onceId, s -> s.state() == JobState.RUNNING);
    cluster.setNodeDown("test");
    try {
      assertEquals(JobState.REQUEUED, await(requeueId, s -> s.state() != JobState.RUNNING).state());
      JobStatus failed = await(onceId, s -> s.state().isTerminal());
      assertEquals(JobState.NODE_FAIL, failed.state());
      assertTrue(failed.state().isInfrastructureFailure());
    } finally {
      cluster.resumeNode();
    }
    assertEquals(JobState.COMPLETED, await(requeueId, s -> s.state().isTerminal()).state());
    assertEquals("8", requeue.counter());
  }

  private static JobStatus await(String id, Predicate<JobStatus> done) throws Exception {
    return await(id, done, WAIT);
  }

  private static JobStatus await(String id, Predicate<JobStatus> done, Duration within)
      throws Exception {
    long deadline = System.nanoTime() + within.toNanos();
    JobStatus last = null;
    while (System.nanoTime() < deadline) {
      last = slurm.status(Set.of(id)).get(id);
      if (last != null && done.test(last)) {
        return last;
      }
      Thread.sleep(500);
    }
    throw new AssertionError(
        "job " + id + " still " + last + " after " + within.toSeconds() + " s");
  }

  private static String submit(Job job) throws Exception {
    String id =
        slurm.submit(new JobSubmission(job.name, job.write(), dir, job.out(), job.err(), Map.of()));
    submitted.add(id);
    return id;
  }

  private static Job job(String name, int steps) {
    return new Job(name, steps);
  }

  /** A counting job and the #SBATCH directives the agent's template writes. */
  private static final class Job {
    final String name;
    final int steps;
    String partition = "low";
    String time = "5";
    String mem = "100M";
    String requeue = "--requeue";
    int exit;
    String body;

    Job(String name, int steps) {
      this.name = "cairn-it-" + name + "-" + System.nanoTime();
      this.steps = steps;
    }

    Job partition(String p) {
      partition = p;
      return this;
    }

    Job time(String t) {
      time = t;
      return this;
    }

    Job mem(String m) {
      mem = m;
      return this;
    }

    Job exit(int code) {
      exit = code;
      return this;
    }

    Job noRequeue() {
      requeue = "--no-requeue";
      return this;
    }

    /** Written by the job when SLURM's USR1 warning reaches it: its checkpoint. */
    Path signalled() {
      return dir.resolve(name + ".usr1-checkpoint");
    }

    Path out() {
      return dir.resolve(name + ".out");
    }

    Path err() {
      return dir.resolve(name + ".err");
    }

    Path checkpoint() {
      return dir.resolve(name + ".counter");
    }

    Path write() throws IOException {
      String work =
          body != null
              ? body
              : "ckpt='"
                  + checkpoint()
                  + "'\n"
                  + "n=$(cat \"$ckpt\" 2>/dev/null || echo 0)\n"
                  + "echo \"start n=$n restart=${SLURM_RESTART_COUNT:-0}\"\n"
                  + "while [ \"$n\" -lt "
                  + steps
                  + " ]; do\n"
                  + "  sleep 1; n=$((n + 1))\n"
                  + "  echo \"$n\" > \"$ckpt.tmp\" && mv \"$ckpt.tmp\" \"$ckpt\"\n"
                  + "done\n"
                  + "echo \"done n=$n\"\n";
      String script =
          "#!/bin/bash\n"
              + "#SBATCH --job-name='"
              + name
              + "'\n"
              + "#SBATCH --output='"
              + out()
              + "'\n"
              + "#SBATCH --error='"
              + err()
              + "'\n"
              + "#SBATCH --open-mode=append\n"
              + "#SBATCH --time="
              + time
              + "\n"
              + "#SBATCH --partition="
              + partition
              + "\n"
              + "#SBATCH --account=cairn\n"
              + "#SBATCH --cpus-per-task=1\n"
              + "#SBATCH --mem="
              + mem
              + "\n"
              + "#SBATCH "
              + requeue
              + "\n"
              // slurmctld checks time limits about every 30 s: a 50 s warning lands inside a 1
              // minute
              // limit whatever the phase of that check (30 s could fall between two checks)
              + "#SBATCH --signal=B:USR1@50\n"
              + "set -u\n"
              // --signal=B:USR1 goes to this shell, which bash's default action would kill
              + "trap 'echo checkpoint > \""
              + signalled()
              + "\"; echo \"USR1: time limit near\"' USR1\n"
              + work
              + "exit "
              + exit
              + "\n";
      Path path = dir.resolve(name + ".sh");
      Files.writeString(path, script);
      return path;
    }

    int count() {
      String c = counter();
      return c.isEmpty() ? 0 : Integer.parseInt(c);
    }

    String counter() {
      try {
        return Files.exists(checkpoint()) ? Files.readString(checkpoint()).strip() : "";
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
