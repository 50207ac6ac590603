package dev.cairn.bench;

import dev.cairn.dvc.DvcTree;
import dev.cairn.scheduler.CommandRunner;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * Measures DVC hashing: the same folder of files hashed by Cairn ({@link DvcTree}, MD5 of every
 * file) on one thread and on every core, and by {@code md5sum} on one core and as {@code xargs -P
 * <cores>}, in one run. Each figure is the best of a few rounds; the files are read from the page
 * cache by all of them alike.
 */
public final class HashBench {
  private static final double MB = 1_000_000.0;

  private HashBench() {}

  /** Throughputs in MB/s; an md5sum figure is NaN where md5sum could not be run. */
  public record Report(
      int files,
      long bytes,
      int cores,
      double cairnOne,
      double cairnAll,
      double md5sumOne,
      double md5sumAll) {
    public String format() {
      return String.format(
              Locale.ROOT,
              "%d files, %.1f MB, %d core(s):%n"
                  + "  one core:   cairn %.1f MB/s, md5sum %.1f MB/s, ratio %.2f%n"
                  + "  all cores:  cairn %.1f MB/s, xargs -P %d md5sum %.1f MB/s, ratio %.2f",
              files,
              bytes / MB,
              cores,
              cairnOne,
              md5sumOne,
              cairnOne / md5sumOne,
              cairnAll,
              cores,
              md5sumAll,
              cairnAll / md5sumAll)
          .replace("NaN", "n/a");
    }
  }

  /**
   * Writes {@code files} files totalling {@code totalBytes} under {@code workDir} and hashes them.
   */
  public static Report run(
      Path workDir, int files, long totalBytes, int rounds, CommandRunner runner, PrintStream out)
      throws IOException, InterruptedException {
    if (files < 1 || totalBytes < files || rounds < 1) {
      throw new IllegalArgumentException("need files >= 1, bytes >= files and rounds >= 1");
    }
    int cores = Runtime.getRuntime().availableProcessors();
    Path dir = workDir.resolve("hash-" + System.currentTimeMillis());
    List<Path> paths = write(dir, files, totalBytes);
    try {
      // one untimed pass: the page cache and the JIT warm up for everyone
      DvcTree.hash(dir, null, cores);
      md5sum(runner, dir, paths, 1);
      double cairnOne = 0;
      double cairnAll = 0;
      double md5One = Double.NaN;
      double md5All = Double.NaN;
      for (int round = 0; round < rounds; round++) {
        cairnOne = Math.max(cairnOne, rate(totalBytes, time(() -> DvcTree.hash(dir, null, 1))));
        cairnAll = Math.max(cairnAll, rate(totalBytes, time(() -> DvcTree.hash(dir, null, cores))));
        md5One = max(md5One, md5sum(runner, dir, paths, 1).map(d -> rate(totalBytes, d)));
        md5All = max(md5All, md5sum(runner, dir, paths, cores).map(d -> rate(totalBytes, d)));
      }
      Report report = new Report(files, totalBytes, cores, cairnOne, cairnAll, md5One, md5All);
      out.println(report.format());
      return report;
    } finally {
      for (Path p : paths) {
        Files.deleteIfExists(p);
      }
      Files.deleteIfExists(dir);
    }
  }

  private interface Timed {
    void run() throws IOException;
  }

  private static Duration time(Timed timed) throws IOException {
    long start = System.nanoTime();
    timed.run();
    return Duration.ofNanos(System.nanoTime() - start);
  }

  /** md5sum over the files in {@code procs} processes, timed by the shell around it alone. */
  private static Optional<Duration> md5sum(
      CommandRunner runner, Path dir, List<Path> paths, int procs)
      throws IOException, InterruptedException {
    int perProcess = (paths.size() + procs - 1) / procs;
    String command =
        "cd '"
            + dir.toString().replace("'", "'\\''")
            + "' && s=$(date +%s%N); ls | xargs -P "
            + procs
            + " -n "
            + perProcess
            + " md5sum > /dev/null || exit $?; echo elapsed_ns=$(( $(date +%s%N)-s ))";
    CommandRunner.Result result;
    try {
      result = runner.run(List.of("bash", "-c", command), Duration.ofHours(1));
    } catch (IOException e) {
      return Optional.empty();
    }
    if (!result.ok()) {
      return Optional.empty();
    }
    return result
        .stdout()
        .lines()
        .filter(l -> l.startsWith("elapsed_ns="))
        .map(l -> Duration.ofNanos(Long.parseLong(l.substring("elapsed_ns=".length()).strip())))
        .findFirst();
  }

  private static double max(double current, Optional<Double> next) {
    if (next.isEmpty()) {
      return current;
    }
    return Double.isNaN(current) ? next.get() : Math.max(current, next.get());
  }

  private static List<Path> write(Path dir, int files, long totalBytes) throws IOException {
    Files.createDirectories(dir);
    SplittableRandom random = new SplittableRandom(totalBytes);
    byte[] buffer = new byte[1 << 20];
    List<Path> paths = new ArrayList<>(files);
    long each = totalBytes / files;
    for (int i = 0; i < files; i++) {
      long size = i == files - 1 ? totalBytes - each * (files - 1) : each;
      Path p = dir.resolve(String.format(Locale.ROOT, "part-%05d.bin", i));
      try (OutputStream out = Files.newOutputStream(p)) {
        for (long left = size; left > 0; left -= buffer.length) {
          random.nextBytes(buffer);
          out.write(buffer, 0, (int) Math.min(buffer.length, left));
        }
      }
      paths.add(p);
    }
    return paths;
  }

  private static double rate(long bytes, Duration d) {
    return bytes / MB / Math.max(d.toNanos() / 1e9, 1e-9);
  }
}
