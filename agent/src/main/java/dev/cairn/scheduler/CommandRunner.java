package dev.cairn.scheduler;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Runs external commands ({@code sbatch}, {@code squeue}, {@code bjobs}...). Injected so that unit
 * tests feed recorded outputs and integration tests run the real binaries.
 */
public interface CommandRunner {

  /** Runs the command to its end or the timeout. */
  Result run(Call call) throws IOException, InterruptedException;

  /**
   * Runs the command to its end or the timeout.
   *
   * @param stdin bytes written to the command's standard input, or null for none
   * @param environment variables set on top of the agent's environment, or replacing it where
   *     {@code cleanEnvironment} is true
   */
  default Result run(
      List<String> command,
      @Nullable String stdin,
      Map<String, String> environment,
      boolean cleanEnvironment,
      Duration timeout)
      throws IOException, InterruptedException {
    return run(new Call(command, stdin, environment, cleanEnvironment, timeout));
  }

  default Result run(List<String> command, Duration timeout)
      throws IOException, InterruptedException {
    return run(command, null, Map.of(), false, timeout);
  }

  /**
   * One command to run, as {@link #run(List, String, Map, boolean, Duration)} describes it; runners
   * that wrap another hand it on whole.
   */
  record Call(
      List<String> command,
      @Nullable String stdin,
      Map<String, String> environment,
      boolean cleanEnvironment,
      Duration timeout) {}

  /** Exit code and captured output of one command. */
  record Result(List<String> command, int exitCode, String stdout, String stderr) {

    public boolean ok() {
      return exitCode == 0;
    }

    /** For error messages: the command line, its exit code and the first line of stderr. */
    public String describe() {
      String first = stderr.strip().lines().findFirst().orElse("");
      return String.join(" ", command)
          + " exited "
          + exitCode
          + (first.isEmpty() ? "" : ": " + first);
    }
  }
}
