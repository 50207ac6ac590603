package dev.cairn.bench;

import dev.cairn.agent.Agent;
import dev.cairn.agent.AgentParts;
import dev.cairn.agent.JobRun;
import dev.cairn.agent.Run;
import dev.cairn.config.AgentSettings;
import dev.cairn.config.ExperimentConfig;
import dev.cairn.metrics.Health;
import dev.cairn.metrics.StatusServer;
import dev.cairn.metrics.Webhook;
import dev.cairn.render.ScriptRenderer;
import dev.cairn.render.Site;
import dev.cairn.render.TemplateSet;
import dev.cairn.scheduler.CommandRunner;
import dev.cairn.scheduler.ExecCommandRunner;
import dev.cairn.scheduler.Schedulers;
import dev.cairn.store.FileObjectStore;
import dev.cairn.store.ForwardingObjectStore;
import dev.cairn.store.ObjectStore;
import dev.cairn.trigger.RequestQueue;
import dev.cairn.trigger.RunRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * From a request landing in the bucket to {@code sbatch} of its job, end to end on the real SLURM:
 * the real loop in its own thread, a folder store, the bundled templates, every command really run
 * (jobs held with {@code --hold}, cancelled afterwards). The request lands just after a tick's
 * LIST, the worst moment. Three cases: an idle agent at its longest poll interval; the same with
 * the webhook called as the request lands; and a busy agent (a run active) at its shortest.
 */
public final class LatencyBench {
  private static final String TOKEN = "latency-bench-token";

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
      try (Session s = new Session(work.resolve("idle-" + i), pollMin, pollMax, false)) {
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
      try (Session s = new Session(work.resolve("hook-" + i), pollMin, pollMax, true)) {
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
    try (Session s = new Session(work.resolve("busy"), pollMin, pollMax, false)) {
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

  /** One agent, its store, its loop thread and, when asked, its webhook. */
  private static final class Session implements AutoCloseable {
    private final Semaphore listed = new Semaphore(0);
    private final LinkedBlockingQueue<Long> submitted = new LinkedBlockingQueue<>();
    private final ObjectStore store;
    private final Schedulers schedulers;
    private final Agent agent;
    private final Thread loop;
    private final StatusServer server;
    private final int pollMax;
    private int requests;

    Session(Path dir, int pollMin, int pollMax, boolean webhook) throws Exception {
      this.pollMax = pollMax;
      Map<String, String> env = new HashMap<>();
      env.put("CAIRN_STORE", dir.resolve("store").toString());
      env.put("CAIRN_STATE_DIR", dir.resolve("state").toString());
      env.put("CAIRN_POLL_MIN_SECONDS", Integer.toString(pollMin));
      env.put("CAIRN_POLL_MAX_SECONDS", Integer.toString(pollMax));
      env.put("CAIRN_SLURM_EXTRA_ARGS", "--hold");
      env.put("CAIRN_REQUIRE_PROVENANCE", "false");
      AgentSettings settings = AgentSettings.load(null, env);
      store =
          new ForwardingObjectStore(new FileObjectStore(dir.resolve("store"))) {
            @Override
            public List<ObjectInfo> list(String prefix, String startAfter) throws IOException {
              List<ObjectInfo> found = delegate.list(prefix, startAfter);
              listed.release();
              return found;
            }
          };
      CommandRunner exec = new ExecCommandRunner();
      CommandRunner timing =
          call -> {
            CommandRunner.Result r = exec.run(call);
            if (call.command().get(0).endsWith("sbatch") && r.ok()) {
              submitted.add(System.nanoTime());
            }
            return r;
          };
      schedulers = new Schedulers(settings, Clock.systemUTC(), timing);
      agent =
          new Agent(
              AgentParts.of(
                  settings,
                  store,
                  schedulers,
                  new ScriptRenderer(TemplateSet.bundled(), new Site("", "", "", "bench")),
                  Clock.systemUTC()));
      // as if it had been idle for long: the wait already at its longest
      while (agent.nextInterval(false).toSeconds() < pollMax) {
        // doubling
      }
      server =
          webhook
              ? StatusServer.start(
                  "127.0.0.1:0",
                  new Health(Duration.ofHours(1), Duration.ZERO, Duration.ofSeconds(5), Map.of()),
                  new Webhook(TOKEN, agent::wake))
              : null;
      loop =
          new Thread(
              () -> {
                try {
                  agent.loop(false);
                } catch (InterruptedException e) {
                  // stopped
                }
              },
              "latency-bench-loop");
      loop.start();
    }

    /** Lands a request just after the next LIST and returns the time until its sbatch. */
    Duration landAndWait(String branch, boolean callWebhook) throws Exception {
      listed.drainPermits();
      if (!listed.tryAcquire(pollMax + 60L, TimeUnit.SECONDS)) {
        throw new IOException("the loop did not list the bucket within its interval");
      }
      submitted.clear();
      long landed = System.nanoTime();
      land(branch);
      if (callWebhook) {
        HttpResponse<Void> r =
            HttpClient.newHttpClient()
                .send(
                    HttpRequest.newBuilder(
                            URI.create(
                                "http://127.0.0.1:" + server.address().getPort() + Webhook.PATH))
                        .header("X-Gitlab-Token", TOKEN)
                        .POST(HttpRequest.BodyPublishers.ofString("{\"object_kind\":\"push\"}"))
                        .build(),
                    HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() != 202) {
          throw new IOException("the webhook answered " + r.statusCode());
        }
      }
      Long at = submitted.poll(2L * pollMax + 60, TimeUnit.SECONDS);
      if (at == null) {
        throw new IOException("no sbatch within two poll intervals of the request");
      }
      return Duration.ofNanos(at - landed);
    }

    private void land(String branch) throws IOException {
      byte[] config;
      try (InputStream in = LatencyBench.class.getResourceAsStream("/cairn/config/config.env")) {
        config =
            new String(in.readAllBytes(), StandardCharsets.UTF_8)
                .replace("SCHEDULER=local", "SCHEDULER=slurm")
                .replace("TASKS=crop_classification,landslide,biomass", "TASKS=landslide")
                .getBytes(StandardCharsets.UTF_8);
      }
      Instant now = Instant.now();
      String commit = String.format(Locale.ROOT, "%032x%08x", now.toEpochMilli(), ++requests);
      RequestQueue.submit(
          store,
          new RunRequest(
              commit,
              branch,
              "bench",
              "bench",
              "latency bench",
              now.toString(),
              ExperimentConfig.sha256(config),
              1,
              null),
          config);
    }

    @Override
    public void close() throws Exception {
      agent.stop();
      loop.join(TimeUnit.SECONDS.toMillis(120));
      if (server != null) {
        server.close();
      }
      try {
        for (Run run : agent.runs().values()) {
          List<String> ids = new ArrayList<>();
          for (JobRun job : run.jobs) {
            if (job.schedulerId != null) {
              ids.add(job.schedulerId);
            }
          }
          if (!ids.isEmpty()) {
            schedulers.get("slurm").cancel(ids);
          }
        }
      } finally {
        schedulers.close();
      }
    }
  }
}
