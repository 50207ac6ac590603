package dev.cairn.metrics;

import dev.cairn.Json;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;

/**
 * {@code /healthz} and {@code /readyz}. Live: the loop completed a pass, or made progress inside a
 * long one, recently. Ready: the object store and the Git remote answer (each checked at most once
 * per {@code cacheFor}, bounded by a timeout) and the last status query of every scheduler in use
 * succeeded. Each answer is a JSON body that says what is wrong.
 */
public final class Health implements AutoCloseable {
  /** One readiness check: null when all is well, else what is wrong, in a line. */
  public interface Check {
    @Nullable String problem() throws Exception;
  }

  /** An HTTP status and its JSON body. */
  public record Answer(int status, String json) {}

  private final PrometheusMetrics metrics;
  private final Duration liveFor;
  private final Duration cacheFor;
  private final Duration timeout;
  private final Map<String, Check> checks;
  private final double started;
  private final Map<String, Cached> cache = new ConcurrentHashMap<>();
  private final ExecutorService executor =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "cairn-readiness");
            t.setDaemon(true);
            return t;
          });

  private record Cached(CompletableFuture<String> answer, long at) {}

  /**
   * @param metrics the agent's, which say when its loop last passed
   * @param liveFor how long after the last pass of the loop the agent still counts as live
   * @param checks readiness checks by name ({@code store}, {@code git}), in the order shown
   */
  public Health(
      PrometheusMetrics metrics,
      Duration liveFor,
      Duration cacheFor,
      Duration timeout,
      Map<String, Check> checks) {
    this.metrics = metrics;
    this.started = metrics.now();
    this.liveFor = liveFor;
    this.cacheFor = cacheFor;
    this.timeout = timeout;
    this.checks = checks;
  }

  public Answer live() {
    double now = metrics.now();
    double last = metrics.lastPass();
    double ago = now - (last == 0 ? started : last);
    boolean ok = ago <= liveFor.toSeconds();
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", ok ? "ok" : "unhealthy");
    body.put("last_tick_seconds_ago", last == 0 ? null : round(ago));
    body.put("limit_seconds", liveFor.toSeconds());
    if (!ok) {
      body.put(
          "problem",
          (last == 0 ? "the loop has not completed a pass in " : "the loop last completed a pass ")
              + Math.round(ago)
              + " s"
              + (last == 0 ? "" : " ago")
              + " (limit "
              + liveFor.toSeconds()
              + " s); see the agent's log");
    }
    return answer(ok, body);
  }

  public Answer ready() {
    Map<String, Object> results = new LinkedHashMap<>();
    boolean ok = true;
    for (Map.Entry<String, Check> e : checks.entrySet()) {
      String problem = cached(e.getKey(), e.getValue());
      ok &= problem == null;
      results.put(e.getKey(), result(problem));
    }
    Map<String, String> failed = metrics.schedulerProblems();
    String scheduler = failed.isEmpty() ? null : String.join("; ", failed.values());
    ok &= scheduler == null;
    results.put("scheduler", result(scheduler));
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", ok ? "ready" : "unready");
    body.put("checks", results);
    return answer(ok, body);
  }

  private static Map<String, Object> result(@Nullable String problem) {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("ok", problem == null);
    if (problem != null) {
      r.put("problem", problem);
    }
    return r;
  }

  /** The check's latest answer, asked again once it is older than {@code cacheFor}. */
  private @Nullable String cached(String name, Check check) {
    long now = System.nanoTime();
    Cached c =
        cache.compute(
            name,
            (k, old) ->
                old != null && (!old.answer.isDone() || now - old.at < cacheFor.toNanos())
                    ? old
                    : new Cached(CompletableFuture.supplyAsync(() -> run(check), executor), now));
    try {
      return c.answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      return "no answer within " + timeout.toSeconds() + " s";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    } catch (ExecutionException e) {
      return String.valueOf(e.getCause());
    }
  }

  private static @Nullable String run(Check check) {
    try {
      return check.problem();
    } catch (Exception e) {
      String m = e.getMessage();
      return m == null || m.isBlank()
          ? e.getClass().getSimpleName()
          : m.strip().lines().findFirst().orElse(m);
    }
  }

  private static double round(double seconds) {
    return Math.round(seconds * 10) / 10.0;
  }

  private static Answer answer(boolean ok, Map<String, Object> body) {
    try {
      return new Answer(ok ? 200 : 503, Json.MAPPER.writeValueAsString(body));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
