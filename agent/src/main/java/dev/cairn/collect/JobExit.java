package dev.cairn.collect;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * How a job ended, as its own script recorded it in {@code exit.json} on the way out: the
 * scheduler's id of the job, the script's exit code, and the stop request it had received ({@code
 * TERM} or {@code USR1}; empty when none). The scheduler is the first witness; this one is asked
 * only when the scheduler has forgotten the job (SLURM without accounting past {@code MinJobAge},
 * LSF past {@code CLEAN_PERIOD}) while the agent was down.
 *
 * @param jobId the id as the agent knows it ({@code 123}, {@code 123_4}, {@code 123[4]})
 */
public record JobExit(String jobId, int exitCode, String stopped) {
  /** The file's name in the job's output folder for a job of one stage ({@code all}: none). */
  public static String file(String stage) {
    return stage == null || stage.equals("all") ? "exit.json" : "exit-" + stage + ".json";
  }

  private static final int MAX_BYTES = 4096;

  /**
   * The record of a job of {@code stage} in the output folder, or empty when there is none or it
   * cannot be read whole.
   */
  public static Optional<JobExit> read(Path outputDir, String stage) {
    Path file = outputDir.resolve(file(stage));
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    try (InputStream in = Files.newInputStream(file)) {
      byte[] bytes = in.readNBytes(MAX_BYTES + 1);
      if (bytes.length > MAX_BYTES) {
        return Optional.empty();
      }
      JsonNode n = Json.MAPPER.readTree(bytes);
      if (n == null || !n.path("job_id").isTextual() || !n.path("exit_code").isInt()) {
        return Optional.empty();
      }
      return Optional.of(
          new JobExit(
              n.get("job_id").asText(), n.get("exit_code").asInt(), n.path("stopped").asText("")));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** Whether the job was asked to stop (preempted, cancelled, warned of its limit). */
  public boolean wasStopped() {
    return !stopped.isEmpty();
  }
}
