package dev.cairn.scheduler.local;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The processes of local jobs, found through {@code /proc}. Every process of a job carries {@code
 * CAIRN_LOCAL_JOB=<its spool folder>} in its environment, so the job's processes are found even
 * when its wrapper (whose pid the spool records) is gone or has not written its pid yet.
 */
final class LocalProcesses {
  static final String MARKER = "CAIRN_LOCAL_JOB";
  private static final Path PROC = Path.of("/proc");

  private LocalProcesses() {}

  /** The wrapper {@code pid} is alive and still this job's wrapper (not a reused pid). */
  static boolean alive(long pid, Path dir) {
    try {
      byte[] cmd = Files.readAllBytes(PROC.resolve(Long.toString(pid)).resolve("cmdline"));
      return new String(cmd, StandardCharsets.UTF_8).contains(dir.toString());
    } catch (IOException e) {
      return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)
          && !Files.isDirectory(PROC);
    }
  }

  /** The live processes that carry the job's marker, wrapper or not. */
  static List<ProcessHandle> of(Path dir) {
    byte[] marker = (MARKER + "=" + dir + "\0").getBytes(StandardCharsets.UTF_8);
    List<ProcessHandle> found = new ArrayList<>();
    try (DirectoryStream<Path> procs = Files.newDirectoryStream(PROC, "[0-9]*")) {
      for (Path p : procs) {
        byte[] env;
        try {
          env = Files.readAllBytes(p.resolve("environ"));
        } catch (IOException | SecurityException e) {
          continue; // another user's process, or one that just ended
        }
        if (contains(env, marker)) {
          ProcessHandle.of(Long.parseLong(p.getFileName().toString())).ifPresent(found::add);
        }
      }
    } catch (IOException e) {
      return List.of();
    }
    return found.stream().filter(ProcessHandle::isAlive).toList();
  }

  /** SIGTERM to the job's processes: the workload first, its wrapper last. */
  static void terminate(Path dir, @Nullable Long pid) {
    if (pid != null) {
      Optional<ProcessHandle> wrapper = ProcessHandle.of(pid);
      if (wrapper.isPresent() && alive(pid, dir)) {
        wrapper.get().descendants().forEach(ProcessHandle::destroy);
        wrapper.get().destroy();
        return;
      }
    }
    of(dir).forEach(ProcessHandle::destroy);
  }

  /** Resident memory of the process and its descendants, in KiB. */
  static long rssKb(ProcessHandle process) {
    long kb = rssKb(process.pid());
    for (ProcessHandle child : process.descendants().toList()) {
      kb += rssKb(child.pid());
    }
    return kb;
  }

  private static long rssKb(long pid) {
    try {
      for (String line : Files.readAllLines(PROC.resolve(Long.toString(pid)).resolve("status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException | NumberFormatException e) {
      // the process ended between listing and reading
    }
    return 0;
  }

  private static boolean contains(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      if (i > 0 && haystack[i - 1] != 0) {
        continue;
      }
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }
}
