package dev.cairn.notify;

import static dev.cairn.notify.Runs.SHA;
import static dev.cairn.notify.Runs.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.Faults;
import dev.cairn.config.AgentSettings;
import dev.cairn.metrics.PrometheusMetrics;
import dev.cairn.model.JobState;
import dev.cairn.model.RunState;
import dev.cairn.testing.GitlabServer;
import dev.cairn.testing.ManualClock;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The notifier against a server written from GitLab's API documentation ({@link GitlabServer}): the
 * requests' paths, headers and payloads, the order of states, and what 401, 404, 429 with
 * Retry-After, 500 and timeouts do. The clock is a test's: retries are due when it says so.
 */
class NotifierTest {
  static final String TOKEN = "glpat-test-token-0123456789";
  static final String OTHER = "c".repeat(40);

  @TempDir Path tmp;
  final ManualClock clock = new ManualClock(Instant.parse("2026-12-07T02:00:00Z"));
  final PrometheusMetrics metrics = new PrometheusMetrics(clock);
  GitlabServer gitlab;

  @AfterEach
  void stop() {
    if (gitlab != null) {
      gitlab.close();
    }
  }

  Notifier notifier(Map<String, String> extra, ReportSource reports, Duration timeout)
      throws Exception {
    Map<String, String> s = new HashMap<>(extra);
    s.put("CAIRN_STORE", "file:///unused");
    s.put("CAIRN_GITLAB_URL", gitlab.url().toString());
    s.putIfAbsent("CAIRN_GITLAB_PROJECT", "group/project");
    AgentSettings settings = AgentSettings.load(null, s);
    return Notifier.open(
        settings.gitlab(),
        tmp.resolve("state"),
        Map.of("CAIRN_GITLAB_TOKEN", TOKEN),
        reports,
        clock,
        metrics,
        Faults.NONE,
        timeout);
  }

  Notifier notifier() throws Exception {
    gitlab = gitlab == null ? new GitlabServer(TOKEN, "42", "group/project") : gitlab;
    return notifier(Map.of(), null, Duration.ofSeconds(5));
  }

  @Test
  void statuses_followTheRun_pendingRunningSuccess_withTheTokenAndThePayloadOfTheDocs()
      throws Exception {
    Notifier n = notifier();
    n.offer(run(SHA, 1, RunState.RECEIVED, "received"));
    n.deliverDue();
    n.offer(run(SHA, 1, RunState.SUBMITTED, "submitted", JobState.PENDING));
    n.deliverDue();
    n.offer(run(SHA, 1, RunState.RUNNING, "1 running", JobState.RUNNING));
    n.deliverDue();
    n.offer(run(SHA, 1, RunState.SUCCEEDED, "1 of 1 task(s) completed", JobState.COMPLETED));
    n.deliverDue();

    assertEquals(List.of("pending", "running", "success"), gitlab.states(SHA, "cairn"));
    GitlabServer.Request first = gitlab.requests().get(0);
    assertEquals("POST", first.method());
    assertEquals("/api/v4/projects/group%2Fproject/statuses/" + SHA, first.path());
    assertEquals(TOKEN, first.header("PRIVATE-TOKEN"));
    assertEquals("application/json", first.header("Content-Type"));
    JsonNode body = first.json();
    assertEquals("pending", body.path("state").asText());
    assertEquals("cairn", body.path("name").asText());
    assertEquals("main", body.path("ref").asText());
    assertEquals("received", body.path("description").asText());
    JsonNode end = gitlab.statuses().get(2);
    assertEquals("1 of 1 task(s) completed", end.path("description").asText());
    assertEquals(
        gitlab.url()
            + "/group/project/-/blob/"
            + Runs.RESULTS
            + "/results/20261207-demo-aaaaaaaa-a1/report.md",
        end.path("target_url").asText());
  }

  @Test
  void statesAskedForFasterThanTheyAreSent_areAllShownInOrder_whileGitlabAnswers()
      throws Exception {
    Notifier n = notifier();
    n.offer(run(SHA, 1, RunState.RECEIVED, "received"));
    n.offer(run(SHA, 1, RunState.SUBMITTED, "submitted", JobState.PENDING));
    n.offer(run(SHA, 1, RunState.RUNNING, "running", JobState.RUNNING));
    n.offer(run(SHA, 1, RunState.COLLECTING, "collecting", JobState.COMPLETED));
    n.offer(run(SHA, 1, RunState.SUCCEEDED, "done", JobState.COMPLETED));
    n.deliverDue();
    assertEquals(List.of("pending", "running", "success"), gitlab.states(SHA, "cairn"));
  }

  @Test
  void aReportLinkLongerThanTheApiTakes_isLeftOut_andTheStatusStillPosted() throws Exception {
    String longPath = "group/" + "sub/".repeat(40) + "project";
    gitlab = new GitlabServer(TOKEN, "42", longPath);
    Notifier n = notifier(Map.of("CAIRN_GITLAB_PROJECT", longPath), null, Duration.ofSeconds(5));
    n.offer(run(SHA, 1, RunState.SUCCEEDED, "done"));
    n.deliverDue();
    assertEquals(List.of("success"), gitlab.states(SHA, "cairn"));
    assertTrue(gitlab.statuses().get(0).path("target_url").isNull());
  }

  @Test
  void failedRun_givesFailedWithTheReason() throws Exception {
    Notifier n = notifier();
    n.offer(
        run(
            SHA,
            1,
            RunState.FAILED,
            "1 of 1 task(s) failed: crop_classification missed its gate test/mIoU>=0.99",
            JobState.COMPLETED));
    n.deliverDue();
    JsonNode s = gitlab.statuses().get(0);
    assertEquals("failed", s.path("status").asText());
    assertEquals(
        "1 of 1 task(s) failed: crop_classification missed its gate test/mIoU>=0.99",
        s.path("description").asText());
  }

  @Test
  void projectById_linksThroughTheProjectsWebUrl() throws Exception {
    gitlab = new GitlabServer(TOKEN, "42", "group/project");
    Notifier n = notifier(Map.of("CAIRN_GITLAB_PROJECT", "42"), null, Duration.ofSeconds(5));
    n.offer(run(SHA, 1, RunState.SUCCEEDED, "done"));
    n.deliverDue();
    assertTrue(
        gitlab.requests().stream().anyMatch(r -> r.path().equals("/api/v4/projects/42")),
        "GET /projects/:id for its web_url");
    assertTrue(
        gitlab
            .statuses()
            .get(0)
            .path("target_url")
            .asText()
            .startsWith("https://gitlab.example.com/group/project/-/blob/"));
  }

  @Test
  void unauthorized_401_keepsThePostAndRetriesItAfterTheBackoff() throws Exception {
    Notifier n = notifier();
    gitlab.fail(1, 401, 0);
    n.offer(run(SHA, 1, RunState.RECEIVED, "received"));
    n.deliverDue();
    assertEquals(List.of(), gitlab.states(SHA, "cairn"));
    assertEquals(1.0, failures("status", "401"));
    int asked = gitlab.requests().size();
    clock.advance(Duration.ofSeconds(4));
    n.deliverDue();
    assertEquals(asked, gitlab.requests().size(), "not retried before the 5 s backoff");
    clock.advance(Duration.ofSeconds(2));
    n.deliverDue();
    assertEquals(List.of("pending"), gitlab.states(SHA, "cairn"));
  }

  @Test
  void notFound_404_andServerErrors_backOffDoubling() throws Exception {
    Notifier n = notifier();
    gitlab.fail(1, 404, 0);
    gitlab.fail(2, 500, 0);
    n.offer(run(SHA, 1, RunState.RECEIVED, "received"));
    n.deliverDue();
    clock.advance(Duration.ofSeconds(5));
    n.deliverDue();
    clock.advance(Duration.ofSeconds(9));
    n.deliverDue();
    assertEquals(2, gitlab.requests().size(), "the third try waits 10 s");
    clock.advance(Duration.ofSeconds(1));
    n.deliverDue();
    clock.advance(Duration.ofSeconds(20));
    n.deliverDue();
    assertEquals(List.of("pending"), gitlab.states(SHA, "cairn"));
    assertEquals(4, gitlab.requests().size());
  }

  @Test
  void rateLimited_429_waitsForRetryAfter() throws Exception {
    Notifier n = notifier();
    gitlab.fail(1, 429, 120);
    n.offer(run(SHA, 1, RunState.RECEIVED, "received"));
    n.deliverDue();
    assertEquals(1.0, failures("status", "429"));
    clock.advance(Duration.ofSeconds(119));
    n.deliverDue();
    assertEquals(1, gitlab.requests().size(), "asked to wait 120 s, not the 5 s backoff");
    clock.advance(Duration.ofSeconds(1));
    n.deliverDue();
    assertEquals(List.of("pending"), gitlab.states(SHA, "cairn"));
  }

  @Test
  void timeout_endsThePassAtOnce_andTheRetryDeliversEverything() throws Exception {
    gitlab = new GitlabServer(TOKEN, "42", "group/project");
    Notifier n = notifier(Map.of(), null, Duration.ofMillis(300));
    gitlab.hang(3000);
    n.offer(run(SHA, 1, RunState.RECEIVED, "received"));
    n.offer(run(OTHER, 1, RunState.RECEIVED, "received"));
    n.deliverDue();
    assertEquals(1, gitlab.requests().size(), "no second request to a server that gave no answer");
    assertEquals(1.0, failures("status", "timeout"));
    gitlab.hang(0);
    clock.advance(Duration.ofSeconds(5));
    n.deliverDue();
    assertEquals(List.of("pending"), gitlab.states(SHA, "cairn"));
    assertEquals(List.of("pending"), gitlab.states(OTHER, "cairn"));
  }

  @Test
  void latestStatePerCommitWins_whileGitlabIsDown() throws Exception {
    Notifier n = notifier();
    gitlab.fail(1, 503, 0);
    n.offer(run(SHA, 1, RunState.RECEIVED, "received"));
    n.deliverDue();
    n.offer(run(SHA, 1, RunState.RUNNING, "running", JobState.RUNNING));
    n.offer(run(SHA, 1, RunState.SUCCEEDED, "done", JobState.COMPLETED));
    n.offer(run(SHA, 1, RunState.RUNNING, "an older change told again", JobState.RUNNING));
    n.deliverDue();
    assertEquals(1, gitlab.requests().size(), "a newer post waits for the retry as well");
    clock.advance(Duration.ofSeconds(5));
    n.deliverDue();
    assertEquals(List.of("success"), gitlab.states(SHA, "cairn"));
  }

  @Test
  void outbox_survivesARestart_andTheRunsEndIsPostedOnce() throws Exception {
    Notifier first = notifier();
    first.offer(run(SHA, 1, RunState.SUCCEEDED, "done"));
    // the agent dies here: nothing was sent
    Notifier second = notifier();
    second.offer(run(SHA, 1, RunState.SUCCEEDED, "done"));
    second.deliverDue();
    Notifier third = notifier();
    third.offer(run(SHA, 1, RunState.SUCCEEDED, "done"));
    third.deliverDue();
    assertEquals(List.of("success"), gitlab.states(SHA, "cairn"));
  }

  @Test
  void atStart_runsThatEndedBeforeGitlabWasOn_areNotPosted_butOnesItFollowsAre() throws Exception {
    Notifier n = notifier();
    n.offer(run(SHA, 1, RunState.RUNNING, "running", JobState.RUNNING));
    n.deliverDue();
    Notifier restarted = notifier();
    restarted.recovered(run(SHA, 1, RunState.SUCCEEDED, "done", JobState.COMPLETED));
    restarted.recovered(run(OTHER, 1, RunState.SUCCEEDED, "finished long ago"));
    restarted.deliverDue();
    assertEquals(List.of("running", "success"), gitlab.states(SHA, "cairn"));
    assertEquals(List.of(), gitlab.states(OTHER, "cairn"));
  }

  @Test
  void aRestart_triesWhatWaitedForItsBackoffAtOnce() throws Exception {
    Notifier n = notifier();
    gitlab.fail(3, 502, 0);
    n.offer(run(SHA, 1, RunState.SUCCEEDED, "done"));
    n.deliverDue();
    clock.advance(Duration.ofSeconds(5));
    n.deliverDue();
    clock.advance(Duration.ofSeconds(10));
    n.deliverDue();
    assertEquals(List.of(), gitlab.states(SHA, "cairn"));
    Notifier restarted = notifier();
    restarted.deliverDue();
    assertEquals(List.of("success"), gitlab.states(SHA, "cairn"), "not 20 s later");
  }

  @Test
  void aTransitionGitlabRefuses_400_isNotRetriedForever() throws Exception {
    Notifier n = notifier();
    gitlab.fail(1, 400, 0);
    n.offer(run(SHA, 1, RunState.RECEIVED, "received"));
    n.deliverDue();
    clock.advance(Duration.ofMinutes(30));
    n.deliverDue();
    assertEquals(1, gitlab.requests().size());
  }

  @Test
  void taskStatuses_onePerTrial_whenAskedFor() throws Exception {
    gitlab = new GitlabServer(TOKEN, "42", "group/project");
    Notifier n =
        notifier(Map.of("CAIRN_GITLAB_TASK_STATUSES", "true"), null, Duration.ofSeconds(5));
    n.offer(run(SHA, 1, RunState.RUNNING, "r", JobState.RUNNING, JobState.PENDING));
    n.deliverDue();
    n.offer(run(SHA, 1, RunState.RUNNING, "r", JobState.COMPLETED, JobState.RUNNING));
    n.deliverDue();
    assertEquals(List.of("running"), gitlab.states(SHA, "cairn"));
    assertEquals(List.of("running", "success"), gitlab.states(SHA, "cairn/crop_classification"));
    assertEquals(List.of("pending", "running"), gitlab.states(SHA, "cairn/landslide"));
  }

  @Test
  void webhook_getsRunVerdictAndLink_onceAtTheEnd() throws Exception {
    gitlab = new GitlabServer(TOKEN, "42", "group/project");
    Notifier n =
        notifier(
            Map.of("CAIRN_NOTIFY_WEBHOOK", gitlab.url() + "/hooks/T000/secret"),
            null,
            Duration.ofSeconds(5));
    n.offer(run(SHA, 1, RunState.RUNNING, "running", JobState.RUNNING));
    n.deliverDue();
    assertEquals(0, gitlab.webhookPosts().size());
    n.offer(run(SHA, 1, RunState.SUCCEEDED, "1 of 1 task(s) completed", JobState.COMPLETED));
    n.deliverDue();
    assertEquals(1, gitlab.webhookPosts().size());
    JsonNode m =
        dev.cairn.Json.MAPPER.readTree(
            new String(gitlab.webhookPosts().get(0), StandardCharsets.UTF_8));
    assertEquals("20261207-demo-aaaaaaaa-a1", m.path("run").asText());
    assertEquals("success", m.path("verdict").asText());
    assertTrue(m.path("link").asText().endsWith("/report.md"), m.toString());
    assertTrue(m.path("text").asText().contains("SUCCEEDED"), m.toString());
  }

  @Test
  void notifier_isOff_withoutGitlabOrWebhook() throws Exception {
    AgentSettings s = AgentSettings.load(null, Map.of("CAIRN_STORE", "file:///unused"));
    assertNull(Notifier.open(s.gitlab(), tmp, Map.of(), null, clock));
  }

  @Test
  void errors_nameNeitherTheTokenNorTheWebhooksSecret() throws Exception {
    gitlab = new GitlabServer("another-token", "42", "group/project");
    Notifier n =
        notifier(
            Map.of("CAIRN_NOTIFY_WEBHOOK", gitlab.url() + "/hooks/T000/hook-secret"),
            null,
            Duration.ofSeconds(5));
    try (var logs = new dev.cairn.testing.LogCapture()) {
      n.offer(run(SHA, 1, RunState.SUCCEEDED, "done"));
      n.deliverDue();
      String text = String.join("\n", logs.lines());
      assertTrue(text.contains("401"), text);
      assertFalse(text.contains(TOKEN), text);
      assertFalse(text.contains("hook-secret"), text);
    }
  }

  double failures(String kind, String reason) {
    for (MetricSnapshot m : metrics.registry().scrape()) {
      if (m.getMetadata().getName().equals("cairn_gitlab_post_failures")) {
        for (CounterSnapshot.CounterDataPointSnapshot p : ((CounterSnapshot) m).getDataPoints()) {
          if (p.getLabels().get("kind").equals(kind)
              && p.getLabels().get("reason").equals(reason)) {
            return p.getValue();
          }
        }
      }
    }
    return 0;
  }
}
