package dev.cairn.testing;

import dev.cairn.scheduler.CommandRunner;
import dev.cairn.scheduler.ExecCommandRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * The single-node SLURM of {@code .ci/slurm-setup.sh} for integration tests. Where SLURM cannot be
 * had, tests are skipped with a notice, except under CI ({@code CI=true}) where they fail.
 */
public final class SlurmCluster {

  private static final Duration SETUP_TIMEOUT = Duration.ofMinutes(5);
  private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(60);

  /** Where {@code .ci/slurm-setup.sh} keeps its state; see CAIRN_SLURM_DIR there. */
  private static final Path PAUSED =
      Path.of(System.getenv().getOrDefault("CAIRN_SLURM_DIR", "/var/tmp/cairn-slurm"))
          .resolve("run/controller-paused");

  private final CommandRunner runner;
  private final String node;

  private SlurmCluster(CommandRunner runner, String node) {
    this.runner = runner;
    this.node = node;
  }

  /** Runs the setup script (idempotent) and returns the cluster, or skips/fails the test. */
  public static SlurmCluster ensure() {
    if (!SlurmLock.held()) {
      throw new IllegalStateException(
          "a test class that uses SLURM must be annotated @UsesSlurm: the test JVMs share one"
              + " cluster");
    }
    CommandRunner runner = new ExecCommandRunner();
    Path script = repositoryRoot().resolve(".ci/slurm-setup.sh");
    CommandRunner.Result result;
    try {
      result = runner.run(List.of("bash", script.toString()), SETUP_TIMEOUT);
    } catch (IOException e) {
      result = new CommandRunner.Result(List.of("bash", script.toString()), 1, "", e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while setting up SLURM", e);
    }
    if (!result.ok()) {
      String why = "SLURM is not available: " + result.describe();
      if ("true".equals(System.getenv("CI"))) {
        Assertions.fail(why + "\n" + result.stderr());
      }
      System.err.println("NOTICE: skipping SLURM integration tests. " + why);
      Assumptions.abort(why);
    }
    System.err.println(result.stdout().strip());
    SlurmCluster cluster = new SlurmCluster(runner, null);
    return new SlurmCluster(runner, cluster.sinfo("%N"));
  }

  /** The folder holding {@code .ci/slurm-setup.sh}, found by walking up from the working folder. */
  static Path repositoryRoot() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve(".ci/slurm-setup.sh"))) {
        return dir;
      }
    }
    throw new IllegalStateException("no .ci/slurm-setup.sh above " + Path.of("").toAbsolutePath());
  }

  public String node() {
    return node;
  }

  public CommandRunner runner() {
    return runner;
  }

  /** The node's state as sinfo prints it ({@code idle}, {@code allocated}, {@code down*}...). */
  public String nodeState() {
    return sinfo("%T");
  }

  /** Sets the node DOWN, as a failing node would be; running jobs are requeued or NODE_FAIL. */
  public void setNodeDown(String reason) {
    check(List.of("scontrol", "update", "nodename=" + node, "state=down", "reason=" + reason));
  }

  /**
   * Returns the node to service. With {@code ReturnToService=2} a responsive slurmd may already
   * have done so, which scontrol then refuses as an invalid transition: that is fine.
   */
  public void resumeNode() {
    CommandRunner.Result r = run(List.of("scontrol", "update", "nodename=" + node, "state=resume"));
    if (!r.ok() && !r.stderr().contains("Invalid node state")) {
      throw new IllegalStateException(r.describe());
    }
  }

  /**
   * Submits a job to the {@code high} partition that needs {@code memory} (such as {@code 3000M})
   * for {@code seconds}: on this one node SLURM preempts the {@code low} job that holds it.
   */
  public void preemptWith(String memory, int seconds, Path output) {
    check(
        List.of(
            "sbatch",
            "--parsable",
            "--partition=high",
            "--mem=" + memory,
            "--time=2",
            "--output=" + output,
            "--wrap",
            "sleep " + seconds));
  }

  /**
   * Stops slurmctld (slurmd and the jobs go on) and waits until it no longer answers. A marker
   * keeps {@code .ci/slurm-setup.sh}, run meanwhile by another test run, from restarting it.
   */
  public void stopController() throws InterruptedException {
    try {
      Files.createDirectories(PAUSED.getParent());
      Files.writeString(PAUSED, "");
    } catch (IOException e) {
      throw new IllegalStateException("cannot write " + PAUSED, e);
    }
    check(List.of("scontrol", "shutdown", "slurmctld"));
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (run(List.of("pgrep", "-x", "slurmctld")).ok()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("slurmctld still running 20 s after shutdown");
      }
      Thread.sleep(200);
    }
  }

  /** Starts slurmctld again from its saved state and waits until it answers. */
  public void startController() throws InterruptedException {
    try {
      Files.deleteIfExists(PAUSED);
    } catch (IOException e) {
      throw new IllegalStateException("cannot remove " + PAUSED, e);
    }
    check(List.of("slurmctld"));
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!run(List.of("scontrol", "ping")).stdout().contains("UP")) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("slurmctld does not answer 30 s after start");
      }
      Thread.sleep(250);
    }
  }

  private String sinfo(String format) {
    List<String> command =
        node == null
            ? List.of("sinfo", "--noheader", "--format=" + format)
            : List.of("sinfo", "--noheader", "--nodes=" + node, "--format=" + format);
    return check(command).stdout().strip().lines().findFirst().orElse("");
  }

  private CommandRunner.Result check(List<String> command) {
    CommandRunner.Result r = run(command);
    if (!r.ok()) {
      throw new IllegalStateException(r.describe());
    }
    return r;
  }

  private CommandRunner.Result run(List<String> command) {
    try {
      return runner.run(command, COMMAND_TIMEOUT);
    } catch (IOException e) {
      throw new IllegalStateException(String.join(" ", command) + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted: " + String.join(" ", command), e);
    }
  }
}
