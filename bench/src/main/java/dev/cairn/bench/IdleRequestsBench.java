package dev.cairn.bench;

import dev.cairn.agent.Agent;
import dev.cairn.agent.AgentParts;
import dev.cairn.agent.JobRun;
import dev.cairn.agent.Run;
import dev.cairn.config.AgentSettings;
import dev.cairn.config.ExperimentConfig;
import dev.cairn.model.RunRequest;
import dev.cairn.render.ScriptRenderer;
import dev.cairn.render.Site;
import dev.cairn.render.TemplateSet;
import dev.cairn.scheduler.ExecCommandRunner;
import dev.cairn.scheduler.Schedulers;
import dev.cairn.store.ObjectStore;
import dev.cairn.trigger.RequestQueue;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What an idle agent costs: runs the real loop's ticks over simulated time (the clock is advanced
 * by each poll interval instead of sleeping) and counts every store request; then lands a request
 * just after a tick, the worst moment, and measures how long it waits for its first submission.
 */
public final class IdleRequestsBench {
  private IdleRequestsBench() {}

  /**
   * Requests by kind, ticks, the rate over the whole time and once the interval reached its
   * maximum, and the latency from a request landing to its first job submission (simulated wait
   * plus the real time of the tick that submitted).
   */
  public record Report(
      Duration simulated,
      long ticks,
      Map<String, Long> requests,
      double perMinute,
      Duration maxInterval,
      double steadyPerMinute,
      Duration latency,
      Duration latencyBound) {
    public String format() {
      return String.format(
          Locale.ROOT,
          "idle agent over %d min of simulated time: %d ticks, %d requests (%s), %.2f requests/min;"
              + " once the interval reached %d s: %.2f requests/min%n"
              + "request landing 1 ms after a tick: first job submitted %.2f s later"
              + " (bound: one poll interval + 1 s = %d s)",
          simulated.toMinutes(),
          ticks,
          requests.values().stream().mapToLong(Long::longValue).sum(),
          requests,
          perMinute,
          maxInterval.toSeconds(),
          steadyPerMinute,
          latency.toMillis() / 1000.0,
          latencyBound.toSeconds());
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
      Agent agent = new Agent(AgentParts.of(settings, store, schedulers, renderer, clock));
      long startRequests = store.total();
      Map<String, Long> before = store.counts();
      Instant end = clock.instant().plus(simulated);
      long ticks = 0;
      long steadyTicks = 0;
      long steadyRequests = 0;
      Duration steadyTime = Duration.ZERO;
      Duration interval = Duration.ZERO;
      while (clock.instant().isBefore(end)) {
        long requestsBefore = store.total();
        boolean busy = agent.tick();
        ticks++;
        interval = agent.nextInterval(busy);
        if (interval.equals(settings.pollMax())) {
          steadyTicks++;
          steadyRequests += store.total() - requestsBefore;
          steadyTime = steadyTime.plus(interval);
        }
        clock.advance(interval);
      }
      Map<String, Long> after = store.counts();
      after.replaceAll((k, v) -> v - before.getOrDefault(k, 0L));
      after.values().removeIf(v -> v == 0);
      double perMinute = (store.total() - startRequests) / (double) simulated.toMinutes();
      double steady =
          steadyTicks == 0 ? Double.NaN : steadyRequests / (steadyTime.toMillis() / 60_000.0);
      Duration latency = latency(agent, target, clock, interval, schedulers);
      Report report =
          new Report(
              simulated,
              ticks,
              after,
              perMinute,
              settings.pollMax(),
              steady,
              latency,
              settings.pollMax().plusSeconds(1));
      out.println(report.format());
      return report;
    }
  }

  /**
   * Lands the bundled demo config as a request 1 ms after the last tick, then ticks as the loop
   * would until a job of it was submitted; the jobs are cancelled at once.
   */
  private static Duration latency(
      Agent agent,
      ObjectStore store,
      SimulatedClock clock,
      Duration interval,
      Schedulers schedulers)
      throws Exception {
    byte[] config;
    try (InputStream in = IdleRequestsBench.class.getResourceAsStream("/cairn/config/config.env")) {
      config = in.readAllBytes();
    }
    // the clock stands at the next tick: go back to just after the last one
    Instant landed = clock.instant().minus(interval).plusMillis(1);
    String commit = String.format(Locale.ROOT, "%040x", landed.toEpochMilli());
    RunRequest request =
        new RunRequest(
            commit,
            "main",
            "bench",
            "bench",
            "idle bench",
            landed.toString(),
            ExperimentConfig.sha256(config),
            1,
            null);
    RequestQueue.submit(store, request, config);
    Duration processing = Duration.ZERO;
    for (int i = 0; i < 20; i++) {
      long start = System.nanoTime();
      boolean busy = agent.tick();
      processing = processing.plusNanos(System.nanoTime() - start);
      Optional<Run> run =
          agent.runs().values().stream().filter(r -> r.commit().equals(commit)).findFirst();
      if (run.isPresent() && run.get().jobs().stream().anyMatch(j -> j.schedulerId() != null)) {
        Duration waited = Duration.between(landed, clock.instant());
        for (JobRun job : run.get().jobs()) {
          if (job.schedulerId() != null) {
            schedulers.get(job.scheduler()).cancel(List.of(job.schedulerId()));
          }
        }
        return waited.plus(processing);
      }
      clock.advance(agent.nextInterval(busy));
    }
    throw new IOException("the bench's request was not submitted within 20 ticks");
  }

  /** Settings of a throwaway agent for the bench. */
  static AgentSettings settings(String storeUrl, Path state, Map<String, String> env) {
    Map<String, String> all = new java.util.HashMap<>(env);
    all.put("CAIRN_STORE", storeUrl);
    all.put("CAIRN_STATE_DIR", state.toString());
    return AgentSettings.load(null, all);
  }
}
