package dev.cairn.bench;

import dev.cairn.agent.Agent;
import dev.cairn.agent.AgentParts;
import dev.cairn.agent.RunRepository;
import dev.cairn.config.AgentSettings;
import dev.cairn.render.ScriptRenderer;
import dev.cairn.render.Site;
import dev.cairn.render.TemplateSet;
import dev.cairn.scheduler.ExecCommandRunner;
import dev.cairn.scheduler.Schedulers;
import dev.cairn.store.ObjectStore;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.Map;

/**
 * What an idle agent costs the object store: runs the real loop's ticks over simulated time (the
 * clock is advanced by each poll interval instead of sleeping) and counts every request.
 */
public final class IdleRequestsBench {
  private IdleRequestsBench() {}

  /** Requests by kind, ticks, and the rate per minute. */
  public record Report(
      Duration simulated, long ticks, Map<String, Long> requests, double perMinute) {
    public String format() {
      return String.format(
          Locale.ROOT,
          "idle agent over %d min of simulated time: %d ticks, %d requests (%s), %.2f requests/min",
          simulated.toMinutes(),
          ticks,
          requests.values().stream().mapToLong(Long::longValue).sum(),
          requests,
          perMinute);
    }
  }

  /** A clock that the bench moves by hand. */
  static final class SimulatedClock extends Clock {
    private Instant now;

    SimulatedClock(Instant start) {
      this.now = start;
    }

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  public static Report run(
      ObjectStore target, AgentSettings settings, Duration simulated, PrintStream out)
      throws Exception {
    CountingStore store = new CountingStore(target);
    SimulatedClock clock = new SimulatedClock(Instant.now());
    try (Schedulers schedulers = new Schedulers(settings, clock, new ExecCommandRunner())) {
      ScriptRenderer renderer =
          new ScriptRenderer(TemplateSet.bundled(), new Site("", "", "", "bench"));
      Agent agent =
          new Agent(
              AgentParts.of(
                  settings,
                  store,
                  schedulers,
                  renderer,
                  new RunRepository(settings.stateDir()),
                  clock));
      long startRequests = store.total();
      Map<String, Long> before = store.counts();
      Instant end = clock.instant().plus(simulated);
      long ticks = 0;
      while (clock.instant().isBefore(end)) {
        boolean busy = agent.tick();
        ticks++;
        clock.advance(agent.nextInterval(busy));
      }
      Map<String, Long> after = store.counts();
      after.replaceAll((k, v) -> v - before.getOrDefault(k, 0L));
      after.values().removeIf(v -> v == 0);
      double perMinute = (store.total() - startRequests) / (double) simulated.toMinutes();
      Report report = new Report(simulated, ticks, after, perMinute);
      out.println(report.format());
      return report;
    }
  }

  /** Settings of a throwaway agent for the bench. */
  static AgentSettings settings(String storeUrl, Path state, Map<String, String> env) {
    Map<String, String> all = new java.util.HashMap<>(env);
    all.put("CAIRN_STORE", storeUrl);
    all.put("CAIRN_STATE_DIR", state.toString());
    return AgentSettings.load(null, all);
  }
}
