package dev.cairn.scheduler;

import java.nio.file.Path;
import java.util.Map;

/**
 * One batch script ready to submit. The script already carries the scheduler's directives; the
 * fields here repeat what a scheduler needs on its command line or to find the job again.
 *
 * @param jobName unique per run, task and attempt: {@code cairn-<run-id>-<task>-a<attempt>}
 * @param script the rendered batch script on a file system the compute nodes share
 * @param stdout file the job's standard output is appended to
 * @param stderr file the job's standard error is appended to
 * @param environment the only variables the job gets from the agent (never credentials)
 */
public record JobSubmission(
    String jobName,
    Path script,
    Path workDir,
    Path stdout,
    Path stderr,
    Map<String, String> environment) {}
