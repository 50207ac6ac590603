package dev.cairn.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What an idle daemon costs the machine: starts the real agent ({@code agent.jar run}) in its own
 * JVM polling every {@code window} plus a margin, lets it start and make its first tick, then reads
 * its CPU time from {@code /proc} at both ends of a window in which no tick falls, and its resident
 * memory at the end. Linux only.
 */
public final class IdleDaemonBench {
  private static final Duration SETTLE = Duration.ofSeconds(15);
  private static final double CLOCK_TICK_MS = 10.0; // USER_HZ is 100 on Linux

  private IdleDaemonBench() {}

  /** CPU spent between two ticks and resident memory of the idle daemon. */
  public record Report(Duration window, double cpuMillis, long rssMib) {
    public String format() {
      return String.format(
          Locale.ROOT,
          "idle daemon (agent.jar run, own JVM): %.0f ms of CPU in %d s between ticks (%.3f%% of"
              + " one core), RSS %d MiB",
          cpuMillis,
          window.toSeconds(),
          cpuMillis / window.toMillis() * 100,
          rssMib);
    }
  }

  public static Report run(String storeUrl, Path stateDir, Duration window, PrintStream out)
      throws IOException, InterruptedException {
    long interval = SETTLE.plus(window).plusSeconds(15).toSeconds();
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder builder =
        new ProcessBuilder(
            List.of(
                java, "-cp", System.getProperty("java.class.path"), "dev.cairn.cli.Main", "run"));
    Map<String, String> env = builder.environment();
    env.put("CAIRN_STORE", storeUrl);
    env.put("CAIRN_STATE_DIR", stateDir.toString());
    env.put("CAIRN_POLL_MIN_SECONDS", Long.toString(interval));
    env.put("CAIRN_POLL_MAX_SECONDS", Long.toString(interval));
    Files.createDirectories(stateDir);
    builder.redirectErrorStream(true);
    builder.redirectOutput(stateDir.resolve("daemon.log").toFile());
    Process daemon = builder.start();
    try {
      Thread.sleep(SETTLE.toMillis());
      long before = cpuTicks(daemon.pid());
      Thread.sleep(window.toMillis());
      long after = cpuTicks(daemon.pid());
      long rss = rssMib(daemon.pid());
      if (!daemon.isAlive()) {
        throw new IOException("the daemon ended early; see " + stateDir.resolve("daemon.log"));
      }
      Report report = new Report(window, (after - before) * CLOCK_TICK_MS, rss);
      out.println(report.format());
      return report;
    } finally {
      daemon.destroy();
      if (!daemon.waitFor(20, TimeUnit.SECONDS)) {
        daemon.destroyForcibly();
      }
    }
  }

  /** utime + stime of the process, in clock ticks. */
  private static long cpuTicks(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
    // the command name may hold spaces: fields are counted after its closing parenthesis
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(f[11]) + Long.parseLong(f[12]);
  }

  private static long rssMib(long pid) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
      }
    }
    throw new IOException("no VmRSS for process " + pid);
  }
}
