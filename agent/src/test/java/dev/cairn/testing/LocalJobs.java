package dev.cairn.testing;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.awaitility.core.ConditionTimeoutException;

/**
 * Waits for the local scheduler's jobs under a folder to end, so a test's temporary folder is not
 * deleted while a cancelled job still writes into it. A job's processes carry {@code
 * CAIRN_LOCAL_JOB=<its folder>} in their environment.
 */
public final class LocalJobs {
  private LocalJobs() {}

  /** Polls until no process of a job under {@code root} is alive, for at most {@code bound}. */
  public static void awaitEnded(Path root, Duration bound) {
    byte[] marker = ("CAIRN_LOCAL_JOB=" + root.toAbsolutePath()).getBytes(StandardCharsets.UTF_8);
    try {
      await()
          .atMost(bound)
          .pollInterval(Duration.ofMillis(100))
          .until(() -> ProcessHandle.allProcesses().noneMatch(p -> carries(p.pid(), marker)));
    } catch (ConditionTimeoutException e) {
      // a job that outlives the bound is the scheduler's to kill; the folder goes anyway
    }
  }

  private static boolean carries(long pid, byte[] marker) {
    try {
      byte[] environ = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "environ"));
      outer:
      for (int i = 0; i + marker.length <= environ.length; i++) {
        for (int j = 0; j < marker.length; j++) {
          if (environ[i + j] != marker[j]) {
            continue outer;
          }
        }
        return true;
      }
      return false;
    } catch (IOException | SecurityException e) {
      return false;
    }
  }
}
