package dev.cairn.scheduler.slurm;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.model.JobState;
import dev.cairn.scheduler.ExecCommandRunner;
import dev.cairn.scheduler.JobStatus;
import dev.cairn.scheduler.JobSubmission;
import dev.cairn.testing.SlurmCluster;
import dev.cairn.testing.SlurmShims;
import dev.cairn.testing.UsesSlurm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SLURM's commands failing the way a busy controller makes them fail, through shims in front of the
 * real {@code squeue} and {@code scontrol} (as {@code CAIRN_SCHEDULER_BIN_DIR} points the agent at
 * a folder of commands): a job is never called LOST, and so never resubmitted, because its
 * scheduler could not answer.
 */
@UsesSlurm
class SlurmFaultsIT {
  @TempDir static Path dir;
  private static SlurmScheduler slurm;
  private static SlurmShims shims;
  private static final List<String> submitted = new ArrayList<>();
  private static final Map<String, Path> startsOf = new java.util.HashMap<>();

  @BeforeAll
  static void startCluster() throws Exception {
    SlurmCluster.ensure();
    shims = SlurmShims.in(dir.resolve("bin"));
    slurm = throughShims();
  }

  /** A scheduler that has not yet asked whether accounting works. */
  private static SlurmScheduler throughShims() {
    return new SlurmScheduler(
        new ExecCommandRunner(),
        new SlurmOptions(
            "sbatch",
            shims.path("squeue"),
            shims.path("sacct"),
            shims.path("scontrol"),
            "scancel",
            List.of(),
            Duration.ofSeconds(30),
            SlurmOptions.defaults().commandEnvironment()));
  }

  private static void mode(String command, String mode) throws IOException {
    shims.mode(command, mode);
  }

  @AfterEach
  void healShims() throws IOException {
    shims.heal();
  }

  @AfterAll
  static void cancelLeftovers() throws Exception {
    if (slurm != null && !submitted.isEmpty()) {
      slurm.cancel(submitted);
    }
  }

  /** A job that runs for {@code seconds} and appends one line per start to its starts file. */
  private static String submit(String name, int seconds) throws Exception {
    String unique = "cairn-faults-" + name + "-" + System.nanoTime();
    Path script = dir.resolve(unique + ".sh");
    Files.writeString(
        script,
        String.join(
            "\n",
            "#!/bin/bash",
            "#SBATCH --job-name=" + unique,
            "#SBATCH --output=" + dir.resolve(unique + ".out"),
            "#SBATCH --partition=high",
            "#SBATCH --account=cairn",
            "#SBATCH --time=5",
            "#SBATCH --mem=100M",
            "#SBATCH --no-requeue",
            "echo started >> '" + starts(unique) + "'",
            "sleep " + seconds,
            ""));
    String id =
        slurm.submit(
            new JobSubmission(
                unique,
                script,
                dir,
                dir.resolve(unique + ".out"),
                dir.resolve(unique + ".err"),
                Map.of()));
    submitted.add(id);
    startsOf.put(id, starts(unique));
    return id;
  }

  private static Path starts(String unique) {
    return dir.resolve(unique + ".starts");
  }

  private static void assertStartedOnce(String id) throws IOException {
    assertEquals(List.of("started"), Files.readAllLines(startsOf.get(id)));
  }

  private static JobStatus status(String id) throws Exception {
    return slurm.status(List.of(id)).get(id);
  }

  private static JobStatus awaitState(String id, JobState state) {
    return await()
        .atMost(Duration.ofSeconds(120))
        .pollInterval(Duration.ofMillis(500))
        .ignoreExceptionsInstanceOf(IOException.class)
        .until(() -> status(id), s -> s.state() == state);
  }

  @Test
  void squeueTimingOut_statusFailsAndTheJobIsNotLost() throws Exception {
    String id = submit("timeout", 8);
    awaitState(id, JobState.RUNNING);
    mode("squeue", "timeout");
    IOException e = assertThrows(IOException.class, () -> status(id));
    assertTrue(e.getMessage().contains("Socket timed out"), e.getMessage());
    mode("squeue", "");
    assertEquals(JobState.COMPLETED, awaitState(id, JobState.COMPLETED).state());
    assertStartedOnce(id);
  }

  @Test
  void squeueAnsweringEmpty_theJobIsFoundThroughScontrol() throws Exception {
    String id = submit("empty", 8);
    awaitState(id, JobState.RUNNING);
    mode("squeue", "empty");
    assertEquals(JobState.RUNNING, status(id).state());
    mode("scontrol", "timeout");
    assertThrows(IOException.class, () -> status(id), "both silent: an outage, not a lost job");
    mode("scontrol", "");
    mode("squeue", "");
    assertEquals(JobState.COMPLETED, awaitState(id, JobState.COMPLETED).state());
    assertStartedOnce(id);
  }

  @Test
  void squeueFailingEveryOtherCall_onlyDelaysTheAnswer() throws Exception {
    String id = submit("flaky", 5);
    mode("squeue", "flaky");
    int failures = 0;
    JobStatus last = null;
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    while (System.nanoTime() < deadline) {
      try {
        last = status(id);
      } catch (IOException e) {
        failures++;
        continue;
      }
      assertNotEquals(JobState.LOST, last.state());
      if (last.state().isTerminal()) {
        break;
      }
      await().pollDelay(Duration.ofMillis(500)).until(() -> true);
    }
    assertEquals(JobState.COMPLETED, last.state());
    assertTrue(failures > 0, "the shim failed some calls");
    assertStartedOnce(id);
  }

  @Test
  void sacctTimingOut_statusFailsAndTheJobIsNotLost() throws Exception {
    String id = submit("sacct", 8);
    awaitState(id, JobState.RUNNING);
    SlurmScheduler fresh = throughShims();
    mode("squeue", "empty");
    mode("sacct", "timeout");
    IOException probe = assertThrows(IOException.class, () -> fresh.status(List.of(id)));
    assertTrue(probe.getMessage().contains("Socket timed out"), probe.getMessage());
    // accounting is on (as on a cluster with slurmdbd) but its queries time out
    mode("sacct", "accounting-busy");
    IOException query = assertThrows(IOException.class, () -> fresh.status(List.of(id)));
    assertTrue(query.getMessage().contains("--starttime="), query.getMessage());
    shims.heal();
    assertEquals(JobState.COMPLETED, awaitState(id, JobState.COMPLETED).state());
    assertStartedOnce(id);
  }
}
