package dev.cairn.bench;

import dev.cairn.Faults;
import dev.cairn.agent.Agent;
import dev.cairn.agent.AgentParts;
import dev.cairn.agent.JobRun;
import dev.cairn.agent.Run;
import dev.cairn.config.AgentSettings;
import dev.cairn.config.ExperimentConfig;
import dev.cairn.metrics.Health;
import dev.cairn.metrics.PrometheusMetrics;
import dev.cairn.metrics.StatusServer;
import dev.cairn.metrics.Webhook;
import dev.cairn.model.RunRequest;
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
import java.io.IOException;
import java.io.InputStream;
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
import org.jspecify.annotations.Nullable;

/**
 * A bench's agent on the real SLURM: the real loop in its own thread over a folder store, the
 * bundled templates, jobs held ({@code --hold}) and cancelled on close; it notes each LIST of the
 * bucket and each {@code sbatch}, and serves the webhook when asked.
 */
final class BenchAgent implements AutoCloseable {
  static final String TOKEN = "bench-webhook-token";
  private final Semaphore listed = new Semaphore(0);
  private final LinkedBlockingQueue<Long> submitted = new LinkedBlockingQueue<>();
  private final ObjectStore store;
  private final Schedulers schedulers;
  private final Agent agent;
  private final Thread loop;
  private final @Nullable StatusServer server;
  private final int pollMax;
  private final Map<String, java.util.concurrent.atomic.AtomicLong> commands =
      new java.util.concurrent.ConcurrentHashMap<>();
  private int requests;

  BenchAgent(Path dir, int pollMin, int pollMax, boolean webhook, Map<String, String> extra)
      throws Exception {
    this.pollMax = pollMax;
    Map<String, String> env = new HashMap<>();
    env.put("CAIRN_STORE", dir.resolve("store").toString());
    env.put("CAIRN_STATE_DIR", dir.resolve("state").toString());
    env.put("CAIRN_POLL_MIN_SECONDS", Integer.toString(pollMin));
    env.put("CAIRN_POLL_MAX_SECONDS", Integer.toString(pollMax));
    env.put("CAIRN_SLURM_EXTRA_ARGS", "--hold");
    env.put("CAIRN_REQUIRE_PROVENANCE", "false");
    env.putAll(extra);
    AgentSettings settings = AgentSettings.load(null, env);
    store =
        new ForwardingObjectStore(new FileObjectStore(dir.resolve("store"))) {
          @Override
          public List<ObjectInfo> list(String prefix, @Nullable String startAfter)
              throws IOException {
            List<ObjectInfo> found = delegate.list(prefix, startAfter);
            listed.release();
            return found;
          }
        };
    CommandRunner exec = new ExecCommandRunner();
    CommandRunner timing =
        call -> {
          CommandRunner.Result r = exec.run(call);
          String program = Path.of(call.command().get(0)).getFileName().toString();
          commands
              .computeIfAbsent(program, k -> new java.util.concurrent.atomic.AtomicLong())
              .incrementAndGet();
          if (call.command().get(0).endsWith("sbatch") && r.ok()) {
            submitted.add(System.nanoTime());
          }
          return r;
        };
    schedulers = new Schedulers(settings, Clock.systemUTC(), timing);
    PrometheusMetrics metrics = new PrometheusMetrics(Clock.systemUTC());
    agent =
        new Agent(
            AgentParts.of(
                    settings,
                    store,
                    schedulers,
                    new ScriptRenderer(TemplateSet.bundled(), new Site("", "", "", "bench")),
                    Clock.systemUTC())
                .withInstruments(metrics, Faults.NONE));
    // as if it had been idle for long: the wait already at its longest
    while (agent.nextInterval(false).toSeconds() < pollMax) {
      // doubling
    }
    server =
        webhook
            ? StatusServer.start(
                "127.0.0.1:0",
                metrics,
                new Health(
                    metrics, Duration.ofHours(1), Duration.ZERO, Duration.ofSeconds(5), Map.of()),
                new Webhook(TOKEN, agent::wake, metrics))
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

  /** The commands run so far, by program name. */
  Map<String, Long> commands() {
    Map<String, Long> now = new java.util.TreeMap<>();
    commands.forEach((k, v) -> now.put(k, v.get()));
    return now;
  }

  /**
   * Waits until {@code n} more sbatch calls have returned; false when {@code wait} passed first.
   */
  boolean awaitSubmissions(int n, Duration wait) throws InterruptedException {
    long deadline = System.nanoTime() + wait.toNanos();
    for (int i = 0; i < n; i++) {
      long left = deadline - System.nanoTime();
      if (left <= 0 || submitted.poll(left, TimeUnit.NANOSECONDS) == null) {
        return false;
      }
    }
    return true;
  }

  /** Waits for the next LIST of the bucket: the start of the loop's next tick. */
  void awaitTick(Duration wait) throws InterruptedException, IOException {
    listed.drainPermits();
    if (!listed.tryAcquire(wait.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new IOException("the loop did not tick within " + wait);
    }
  }

  /** Lands a request just after the next LIST and returns the time until its sbatch. */
  Duration landAndWait(String branch, boolean callWebhook) throws Exception {
    listed.drainPermits();
    if (!listed.tryAcquire(pollMax + 60L, TimeUnit.SECONDS)) {
      throw new IOException("the loop did not list the bucket within its interval");
    }
    submitted.clear();
    long landed = System.nanoTime();
    land(branch, config(""));
    if (callWebhook) {
      if (server == null) {
        throw new IllegalStateException("this bench agent was started without its webhook");
      }
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

  /** The bundled demo config on SLURM with one task, and {@code lines} (KEY=value) on top. */
  static byte[] config(String lines) throws IOException {
    try (InputStream in = BenchAgent.class.getResourceAsStream("/cairn/config/config.env")) {
      return (new String(in.readAllBytes(), StandardCharsets.UTF_8)
                  .replace("SCHEDULER=local", "SCHEDULER=slurm")
                  .replace("TASKS=crop_classification,landslide,biomass", "TASKS=landslide")
              + "\n"
              + lines)
          .getBytes(StandardCharsets.UTF_8);
    }
  }

  /** Writes a request of {@code config} on {@code branch}, as CI would. */
  void land(String branch, byte[] config) throws IOException {
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
        for (JobRun job : run.jobs()) {
          if (job.schedulerId() != null) {
            ids.add(job.schedulerId());
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
