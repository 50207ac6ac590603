package dev.cairn.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Real GitLab pipeline runs on this machine with {@code gitlab-ci-local} 4.70.1 (installed by
 * {@code .ci/install-gitlab-ci-local.sh}): GitLab's predefined variables, rules, stages, artifacts
 * and reports, with the jobs run by the shell executor.
 */
public final class GitlabCiLocal {
  private final Path home;

  private GitlabCiLocal(Path home) {
    this.home = home;
  }

  /** The tool, or a skipped test (outside CI, with a notice) or a failed one (in CI). */
  public static GitlabCiLocal ensure(Path home) {
    String version;
    try {
      Process p =
          new ProcessBuilder("gitlab-ci-local", "--version").redirectErrorStream(true).start();
      version = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      p.waitFor(60, TimeUnit.SECONDS);
    } catch (IOException | InterruptedException e) {
      version = "not installed";
    }
    if (!version.equals("4.70.1")) {
      String why =
          "gitlab-ci-local 4.70.1 is needed, found: "
              + version
              + "; run .ci/install-gitlab-ci-local.sh";
      if ("true".equals(System.getenv("CI"))) {
        Assertions.fail(why);
      }
      System.err.println("NOTICE: skipping GitLab pipeline tests. " + why);
      Assumptions.abort(why);
    }
    return new GitlabCiLocal(home);
  }

  /** Exit code and output of one pipeline run. */
  public record Result(int exitCode, String log) {}

  /**
   * Runs the pipeline of {@code ci/.gitlab-ci.yml} at the HEAD of the clone. Rule {@code changes:}
   * compare HEAD with {@code origin/HEAD}, which callers point at the previous push, as GitLab
   * compares a push with its before-sha.
   */
  public Result run(Path clone, Map<String, String> variables, long timeoutSeconds)
      throws IOException, InterruptedException {
    return run(clone, variables, timeoutSeconds, List.of());
  }

  /**
   * The jobs the pipeline at the clone's HEAD would run, rules evaluated ({@code --list}), without
   * running them.
   */
  public Result list(Path clone, Map<String, String> variables)
      throws IOException, InterruptedException {
    return run(clone, variables, 120, List.of("--list"));
  }

  private Result run(
      Path clone, Map<String, String> variables, long timeoutSeconds, List<String> extra)
      throws IOException, InterruptedException {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                "gitlab-ci-local",
                "--file",
                "ci/.gitlab-ci.yml",
                "--force-shell-executor",
                "--home",
                home.toString(),
                "--no-color",
                "--max-job-name-padding",
                "0"));
    cmd.addAll(extra);
    variables.forEach(
        (k, v) -> {
          cmd.add("--variable");
          cmd.add(k + "=" + v);
        });
    Path log = Files.createTempFile(home, "pipeline", ".log");
    Process p =
        new ProcessBuilder(cmd)
            .directory(clone.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      throw new AssertionError(
          "the pipeline did not end within " + timeoutSeconds + " s:\n" + Files.readString(log));
    }
    // colours off: the log is read by tests and people
    return new Result(p.exitValue(), Files.readString(log).replaceAll("\u001B\\[[0-9;]*m", ""));
  }
}
