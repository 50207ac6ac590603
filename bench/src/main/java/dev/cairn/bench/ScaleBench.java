package dev.cairn.bench;

import dev.cairn.scheduler.ExecCommandRunner;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * Many jobs through the real agent on the real SLURM: {@code runs} runs of {@code trials} trials
 * each (one task, a list of seeds) and one sweep of 81 trials (9 learning rates by 9 seeds), all
 * held ({@code --hold}) so every job stays tracked; once every job is submitted, the loop's ticks
 * are watched: slurmctld's RPCs per tick (sdiag, its own excluded), the commands per tick, and this
 * JVM's resident memory (the agent's and the bench's). Jobs are cancelled at the end.
 */
public final class ScaleBench {
  private ScaleBench() {}

  public static String run(Path work, int runs, int trials, int ticks, PrintStream out)
      throws Exception {
    String seeds =
        String.join(",", IntStream.range(0, trials).mapToObj(Integer::toString).toList());
    String sweep =
        "LEARNING_RATE=1e-4,2e-4,3e-4,5e-4,1e-3,2e-3,3e-3,5e-3,1e-2\nSEED=1,2,3,4,5,6,7,8,9\n";
    try (BenchAgent agent =
        new BenchAgent(
            work,
            2,
            2,
            false,
            Map.of("CAIRN_MAX_TRIALS", Integer.toString(Math.max(256, trials))))) {
      long start = System.nanoTime();
      for (int r = 0; r < runs; r++) {
        agent.land("scale-" + r, config("SEED=" + seeds + "\n"));
      }
      agent.land("sweep", config(sweep));
      // one array per run and one for the sweep; a split array only adds calls
      if (!agent.awaitSubmissions(runs + 1, Duration.ofMinutes(10))) {
        throw new IOException("the runs were not all submitted within 10 minutes");
      }
      Duration submitting = Duration.ofNanos(System.nanoTime() - start);
      agent.awaitTick(Duration.ofSeconds(60));
      agent.awaitTick(Duration.ofSeconds(60));
      Map<String, Long> commandsBefore = agent.commands();
      SdiagCounters before =
          SdiagCounters.read(new ExecCommandRunner(), "sdiag", Duration.ofSeconds(30));
      for (int i = 0; i < ticks; i++) {
        agent.awaitTick(Duration.ofSeconds(60));
      }
      SdiagCounters rpcs =
          SdiagCounters.read(new ExecCommandRunner(), "sdiag", Duration.ofSeconds(30))
              .minus(before);
      Map<String, Long> commands = agent.commands();
      commands.replaceAll((k, v) -> v - commandsBefore.getOrDefault(k, 0L));
      commands.values().removeIf(v -> v == 0);
      String line =
          String.format(
              Locale.ROOT,
              "%d runs of %d trials and a sweep of 81 (%d jobs) submitted in %.1f s; over %d ticks:"
                  + " %.1f slurmctld RPCs per tick %s, commands %s, RSS %d MiB, heap after GC %d MiB;"
                  + " load %.1f",
              runs,
              trials,
              runs * trials + 81,
              submitting.toMillis() / 1000.0,
              ticks,
              rpcs.total() / (double) ticks,
              rpcs.byType(),
              commands,
              rssMib(),
              heapAfterGcMib(),
              Load.average());
      out.println(line);
      return line;
    }
  }

  /** The bench's config with the demo's own SEED line replaced by {@code lines}. */
  static byte[] config(String lines) throws IOException {
    String demo = new String(BenchAgent.config(""), StandardCharsets.UTF_8);
    return (demo.replaceAll("(?m)^SEED=.*$", "") + lines).getBytes(StandardCharsets.UTF_8);
  }

  /** The heap in use once a full collection has run: what the tracked state itself holds. */
  private static long heapAfterGcMib() {
    System.gc();
    return java.lang.management.ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed()
        >> 20;
  }

  private static long rssMib() throws IOException {
    List<String> lines = new ArrayList<>(Files.readAllLines(Path.of("/proc/self/status")));
    for (String line : lines) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) >> 10;
      }
    }
    return -1;
  }
}
