package dev.cairn.notify;

import dev.cairn.Faults;
import dev.cairn.config.GitlabSettings;
import dev.cairn.metrics.Metrics;
import dev.cairn.model.RunRecord;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shows GitLab (and a chat webhook) where each run stands. {@link #offer} saves the run's post in
 * the durable outbox and returns at once; a thread of its own delivers what is due, retrying with
 * backoff (doubling from 5 s to 10 min, or longer where a 429 says {@code Retry-After}), so a slow,
 * failing or absent GitLab never holds up or fails a run.
 */
public final class Notifier implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Notifier.class);
  static final Duration FIRST_RETRY = Duration.ofSeconds(5);
  static final Duration LONGEST_RETRY = Duration.ofMinutes(10);
  static final Duration LONGEST_RETRY_AFTER = Duration.ofHours(1);
  static final Duration TIMEOUT = Duration.ofSeconds(20);

  private final Outbox outbox;
  private final Courier courier;
  private final Clock clock;
  private final Duration timeout;
  private final Metrics metrics;
  private final Object wake = new Object();
  private boolean woken;
  private volatile boolean stopping;
  private @Nullable Thread worker;
  private long failures;

  Notifier(Outbox outbox, Courier courier, Clock clock, Duration timeout, Metrics metrics) {
    this.metrics = metrics;
    this.outbox = outbox;
    this.courier = courier;
    this.clock = clock;
    this.timeout = timeout;
  }

  /**
   * The notifier of these settings, its outbox under {@code stateDir}; null where neither GitLab
   * nor a webhook is set.
   *
   * @param reports reads a run's report from its results commit; null without a clone
   * @throws dev.cairn.CairnException when the token cannot be read
   */
  public static @Nullable Notifier open(
      GitlabSettings settings,
      Path stateDir,
      Map<String, String> env,
      @Nullable ReportSource reports,
      Clock clock)
      throws IOException {
    return open(settings, stateDir, env, reports, clock, Metrics.NONE, Faults.NONE, TIMEOUT);
  }

  /**
   * As above, counting posts and failures in {@code metrics} and marking the final status in {@code
   * faults} for the crash tests.
   */
  public static @Nullable Notifier open(
      GitlabSettings settings,
      Path stateDir,
      Map<String, String> env,
      @Nullable ReportSource reports,
      Clock clock,
      Metrics metrics,
      Faults faults)
      throws IOException {
    return open(settings, stateDir, env, reports, clock, metrics, faults, TIMEOUT);
  }

  static @Nullable Notifier open(
      GitlabSettings settings,
      Path stateDir,
      Map<String, String> env,
      @Nullable ReportSource reports,
      Clock clock,
      Metrics metrics,
      Faults faults,
      Duration timeout)
      throws IOException {
    if (!settings.enabled() && settings.webhook() == null) {
      return null;
    }
    HttpClient http =
        HttpClient.newBuilder()
            .connectTimeout(timeout)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    URI url = settings.url();
    @Nullable GitlabClient gitlab =
        url != null
            ? new GitlabClient(
                http, url, settings.project(), GitlabToken.read(settings, env), timeout)
            : null;
    Webhook webhook =
        settings.webhook() == null ? null : new Webhook(http, settings.webhook(), timeout);
    Outbox outbox = new Outbox(stateDir);
    Links links = new Links(settings.url(), settings.project(), gitlab);
    Courier courier =
        new Courier(
            gitlab, webhook, reports, outbox, settings.taskStatuses(), links, metrics, faults);
    return new Notifier(outbox, courier, clock, timeout, metrics);
  }

  /**
   * Saves the run's post in the outbox (when it shows GitLab something new) and wakes the sender.
   */
  public void offer(RunRecord run) {
    if (run.commit() == null || run.runId() == null) {
      return;
    }
    if (outbox.offer(Post.of(run), clock.millis())) {
      metrics.gitlabOutbox(outbox.pending());
      synchronized (wake) {
        woken = true;
        wake.notifyAll();
      }
    }
  }

  /**
   * A run on record at the agent's start: offered where it is still going or the outbox already
   * follows its commit (its end may have been saved just before a crash), so turning GitLab on does
   * not post every run the agent ever finished.
   */
  public void recovered(RunRecord run) {
    if (run.commit() != null && (!run.state().isTerminal() || outbox.get(run.commit()) != null)) {
      offer(run);
    }
  }

  /**
   * Delivers every post that is due, and the states queued behind each; stops where GitLab gives no
   * answer at all.
   */
  public void deliverDue() throws InterruptedException {
    // each round delivers one state per commit; a commit holds at most pending, running and an end
    for (int round = 0; round < 4; round++) {
      List<Entry> due = outbox.due(clock.millis());
      if (due.isEmpty() || !deliver(due)) {
        break;
      }
    }
    metrics.gitlabOutbox(outbox.pending());
  }

  /** False where GitLab was unreachable: the other posts would fail the same way. */
  private boolean deliver(List<Entry> due) throws InterruptedException {
    for (Entry e : due) {
      Post want = Objects.requireNonNull(e.want(), "a due entry has a post to deliver");
      try {
        courier.deliver(e);
        if (failures > 0) {
          log.info("GitLab is back after {} failed request(s)", failures);
          failures = 0;
        }
      } catch (Courier.Failure f) {
        metrics.gitlabFailed(f.kind, f.cause.reason());
        if (failures++ == 0) {
          log.warn(
              "GitLab did not take the {} of run {}: {}; runs go on, and the post is kept and"
                  + " retried",
              f.kind,
              want.runId(),
              f.getMessage());
        } else {
          log.debug("GitLab still failing: {}", f.getMessage());
        }
        long retryAt = clock.millis() + backoff(e.tries() + 1, f.cause.retryAfter()).toMillis();
        outbox.update(e, x -> x.failed(retryAt));
        if (f.cause.unreachable()) {
          return false;
        }
      }
    }
    return true;
  }

  /** The wait before the n-th retry: doubling from 5 s to 10 min, at least what a 429 asked. */
  static Duration backoff(int tries, @Nullable Duration retryAfter) {
    Duration d = FIRST_RETRY.multipliedBy(1L << Math.min(tries - 1, 16));
    if (d.compareTo(LONGEST_RETRY) > 0) {
      d = LONGEST_RETRY;
    }
    if (retryAfter != null) {
      Duration asked =
          retryAfter.compareTo(LONGEST_RETRY_AFTER) > 0 ? LONGEST_RETRY_AFTER : retryAfter;
      d = asked.compareTo(d) > 0 ? asked : d;
    }
    return d;
  }

  /** Starts the sender thread. */
  public synchronized void start() {
    if (worker != null) {
      return;
    }
    worker = new Thread(this::work, "cairn-gitlab");
    worker.setDaemon(true);
    worker.start();
  }

  private void work() {
    try {
      while (!stopping) {
        deliverDue();
        long wait = Math.min(outbox.nextDue() - clock.millis(), 60_000);
        synchronized (wake) {
          if (!woken && !stopping && wait > 0) {
            wake.wait(wait);
          }
          woken = false;
        }
      }
      // what the last pass of the loop asked for goes out before the agent exits
      deliverDue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      log.error(
          "the GitLab sender stopped: {}; posts stay in the outbox for the next start",
          e.toString());
    }
  }

  /** Sends what is due once more and stops the sender, waiting at most two request timeouts. */
  @Override
  public void close() throws InterruptedException {
    Thread t;
    synchronized (this) {
      t = worker;
    }
    stopping = true;
    synchronized (wake) {
      woken = true;
      wake.notifyAll();
    }
    if (t != null) {
      t.join(timeout.multipliedBy(2).plusSeconds(5).toMillis());
    }
  }
}
