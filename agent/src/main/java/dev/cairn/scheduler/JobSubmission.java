package dev.cairn.scheduler;

import dev.cairn.CairnException;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * One batch script ready to submit. The script already carries the scheduler's directives; the
 * fields here repeat what a scheduler needs on its command line or to find the job again.
 *
 * @param jobName unique per run, task and attempt: {@code cairn-<run-id>-<task>-a<attempt>}
 * @param script the rendered batch script on a file system the compute nodes share
 * @param stdout file the job's standard output is appended to
 * @param stderr file the job's standard error is appended to
 * @param environment the only variables the job gets from the agent (never credentials)
 * @param afterOk the job that must end successfully before this one may start (SLURM {@code
 *     --dependency=afterok:}, LSF {@code -w 'done()'}), or null
 */
public record JobSubmission(
    String jobName,
    Path script,
    Path workDir,
    Path stdout,
    Path stderr,
    Map<String, String> environment,
    @Nullable String afterOk) {
  private static final Pattern VARIABLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  /** A job that may start at once. */
  public JobSubmission(
      String jobName,
      Path script,
      Path workDir,
      Path stdout,
      Path stderr,
      Map<String, String> environment) {
    this(jobName, script, workDir, stdout, stderr, environment, null);
  }

  public JobSubmission {
    environment = Map.copyOf(environment);
    environment.forEach(
        (key, value) -> {
          if (!VARIABLE.matcher(key).matches()
              || value.indexOf('\0') >= 0
              || value.indexOf('\n') >= 0) {
            throw new CairnException(
                "job variable "
                    + key
                    + " is not a variable name or its value holds a newline or NUL; set it in the"
                    + " script instead");
          }
        });
  }
}
