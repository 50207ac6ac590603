package dev.cairn.testing;

import dev.cairn.scheduler.ExecCommandRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;

/**
 * A folder of shims in front of SLURM's real commands (what {@code CAIRN_SCHEDULER_BIN_DIR} or a
 * scheduler's options point at): each runs the real command unless its {@code <name>.mode} file
 * says to fail the way a busy or forgetful controller does.
 *
 * <ul>
 *   <li>{@code timeout}: "Socket timed out on send/recv operation", exit 1
 *   <li>{@code empty}: no output, exit 0
 *   <li>{@code flaky}: every other call times out
 *   <li>{@code accounting-busy}: sacct answers the agent's probe (accounting is on) and times out
 *       on every query
 *   <li>{@code forgotten}: "Invalid job id specified", exit 1, as squeue and scontrol answer for a
 *       job the controller purged after {@code MinJobAge}
 * </ul>
 */
public final class SlurmShims {
  public static final String TIMED_OUT =
      "slurm_load_jobs error: Socket timed out on send/recv operation";
  public static final String INVALID = "slurm_load_jobs error: Invalid job id specified";
  public static final List<String> COMMANDS =
      List.of("sbatch", "squeue", "sacct", "scontrol", "scancel");

  private final Path dir;

  private SlurmShims(Path dir) {
    this.dir = dir;
  }

  /** Writes a shim for each of SLURM's commands into {@code dir}. */
  public static SlurmShims in(Path dir) throws Exception {
    Files.createDirectories(dir);
    SlurmShims shims = new SlurmShims(dir);
    for (String command : COMMANDS) {
      shims.write(command);
    }
    return shims;
  }

  public Path dir() {
    return dir;
  }

  public String path(String command) {
    return dir.resolve(command).toString();
  }

  /** From now on {@code command} behaves as {@code mode} says; "" runs the real one again. */
  public void mode(String command, String mode) throws IOException {
    Files.writeString(dir.resolve(command + ".mode"), mode);
  }

  /** Every shim runs its real command again. */
  public void heal() throws IOException {
    for (String command : COMMANDS) {
      mode(command, "");
    }
  }

  private void write(String command) throws Exception {
    String real =
        new ExecCommandRunner()
            .run(List.of("bash", "-c", "command -v " + command), Duration.ofSeconds(10))
            .stdout()
            .strip();
    Path mode = dir.resolve(command + ".mode");
    Path calls = dir.resolve(command + ".calls");
    String script =
        String.join(
            "\n",
            "#!/bin/bash",
            "case \"$(cat '" + mode + "' 2>/dev/null)\" in",
            "  timeout) echo '" + TIMED_OUT + "' >&2; exit 1 ;;",
            "  forgotten) echo '" + INVALID + "' >&2; exit 1 ;;",
            "  empty) exit 0 ;;",
            "  accounting-busy)",
            "    case \" $* \" in *' --jobs=1 '*) exit 0 ;; esac",
            "    echo '" + TIMED_OUT + "' >&2; exit 1 ;;",
            "  flaky)",
            "    n=$(cat '" + calls + "' 2>/dev/null || echo 0); echo $((n + 1)) > '" + calls + "'",
            "    if [ $((n % 2)) -eq 0 ]; then echo '" + TIMED_OUT + "' >&2; exit 1; fi ;;",
            "esac",
            "exec '" + real + "' \"$@\"",
            "");
    Path path = dir.resolve(command);
    Files.writeString(path, script);
    Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rwxr-xr-x"));
  }
}
