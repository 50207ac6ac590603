package dev.cairn.plan;

import dev.cairn.config.TaskDefinition;
import java.nio.file.Path;

/**
 * One job of a run: a task at one attempt, with the folders it writes to. Every attempt of a task
 * shares the same output, checkpoint, out and err paths so that a resubmitted job resumes where the
 * last one stopped.
 */
public record JobSpec(
    String runId,
    TaskDefinition task,
    int attempt,
    Path runDir,
    Path script,
    Path outFile,
    Path errFile,
    Path outputDir,
    Path checkpointDir) {

  /**
   * {@code cairn-<run-id>-<task>-a<attempt>}: unique, and how the agent finds the job after a
   * crash.
   */
  public String jobName() {
    return "cairn-" + runId + "-" + task.name() + "-a" + attempt;
  }

  public JobSpec withAttempt(int next) {
    return new JobSpec(
        runId, task, next, runDir, script, outFile, errFile, outputDir, checkpointDir);
  }
}
