package dev.cairn.bench;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * From a request landing in the bucket to {@code sbatch} of its job, end to end on the real SLURM:
 * the real loop in its own thread, a folder store, the bundled templates, every command really run
 * (jobs held with {@code --hold}, cancelled afterwards). The request lands just after a tick's
 * LIST, the worst moment. Three cases: an idle agent at its longest poll interval; the same with
 * the webhook called as the request lands; and a busy agent (a run active) at its shortest.
 */
public final class LatencyBench {
  private LatencyBench() {}

  /** One case: its samples, its median and the bound it must keep. */
  public record Case(String name, List<Duration> samples, Duration bound) {
    public Duration median() {
      List<Duration> sorted = samples.stream().sorted().toList();
      return sorted.get(sorted.size() / 2);
    }

    public String format() {
      return String.format(
          Locale.ROOT,
          "%s: request to sbatch %.2f s at the median of %d (%s s); bound %.1f s: %s",
          name,
          median().toMillis() / 1000.0,
          samples.size(),
          String.join(
              ", ",
              samples.stream()
                  .map(d -> String.format(Locale.ROOT, "%.2f", d.toMillis() / 1000.0))
                  .toList()),
          bound.toMillis() / 1000.0,
          median().compareTo(bound) <= 0 ? "kept" : "MISSED");
    }
  }

  public static List<Case> run(
      Path work, int pollMin, int pollMax, int idleSamples, int webhookSamples, PrintStream out)
      throws Exception {
    List<Case> cases = new ArrayList<>();
    List<Duration> idle = new ArrayList<>();
    for (int i = 0; i < idleSamples; i++) {
      try (BenchAgent s =
          new BenchAgent(work.resolve("idle-" + i), pollMin, pollMax, false, Map.of())) {
        idle.add(s.landAndWait("main", false));
      }
    }
    cases.add(
        new Case(
            "idle at its longest interval (" + pollMax + " s), no webhook",
            idle,
            Duration.ofSeconds(pollMax + 1)));
    out.println(cases.get(cases.size() - 1).format() + load());
    List<Duration> hooked = new ArrayList<>();
    for (int i = 0; i < webhookSamples; i++) {
      try (BenchAgent s =
          new BenchAgent(work.resolve("hook-" + i), pollMin, pollMax, true, Map.of())) {
        hooked.add(s.landAndWait("main", true));
      }
    }
    cases.add(
        new Case(
            "idle at its longest interval (" + pollMax + " s), webhook called as it lands",
            hooked,
            Duration.ofSeconds(2)));
    out.println(cases.get(cases.size() - 1).format() + load());
    List<Duration> busy = new ArrayList<>();
    try (BenchAgent s = new BenchAgent(work.resolve("busy"), pollMin, pollMax, false, Map.of())) {
      // a first run whose held job keeps the agent busy
      s.landAndWait("busy", false);
      for (int i = 0; i < idleSamples; i++) {
        busy.add(s.landAndWait("main-" + i, false));
      }
    }
    cases.add(
        new Case(
            "busy (a run active, interval " + pollMin + " s), no webhook",
            busy,
            Duration.ofSeconds(pollMin + 1)));
    out.println(cases.get(cases.size() - 1).format() + load());
    return cases;
  }

  private static String load() {
    return String.format(Locale.ROOT, "; load %.1f", Load.average());
  }
}
