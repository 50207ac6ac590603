package dev.cairn.notify;

import static dev.cairn.notify.Runs.SHA;
import static dev.cairn.notify.Runs.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.config.AgentSettings;
import dev.cairn.model.JobState;
import dev.cairn.model.RunState;
import dev.cairn.testing.GitlabServer;
import dev.cairn.testing.ManualClock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One note per merge request, found again by its hidden marker and updated in place; the report's
 * charts uploaded through the project uploads API and linked as GitLab renders them; the note kept
 * within GitLab's 1,000,000 characters (docs.gitlab.com/api/notes).
 */
class MergeRequestNoteTest {
  static final String TOKEN = "glpat-note-test";
  static final String SECOND = "d".repeat(40);

  @TempDir Path tmp;
  final ManualClock clock = new ManualClock(Instant.parse("2026-12-07T02:00:00Z"));
  GitlabServer gitlab;

  @BeforeEach
  void start() throws Exception {
    gitlab = new GitlabServer(TOKEN, "42", "group/project").withMergeRequests(7L);
  }

  @AfterEach
  void stop() {
    gitlab.close();
  }

  /** The results commit's report folder as the agent's clone reads it. */
  static Map<String, byte[]> report(String runId, String extra) {
    Map<String, byte[]> files = new TreeMap<>();
    String folder = "results/" + runId;
    files.put(
        folder + "/report.md",
        ("# Report: "
                + runId
                + "\n\n## Leaderboard\n\n| rank | trial | metric | gate | result |\n| --- | --- |"
                + " --- | --- | --- |\n| 1 | crop_classification | test/mIoU = 0.95 |"
                + " test/mIoU\\>=0.3 | pass |\n\n![learning curves of crop_classification]"
                + "(charts/curves-crop_classification.png)\n\n![cost](charts/cost.png)\n"
                + extra)
            .getBytes(StandardCharsets.UTF_8));
    files.put(folder + "/charts/curves-crop_classification.png", new byte[] {(byte) 0x89, 'P'});
    files.put(folder + "/charts/cost.png", new byte[] {(byte) 0x89, 'P', 'N'});
    return files;
  }

  Notifier notifier(String extra) throws Exception {
    AgentSettings s =
        AgentSettings.load(
            null,
            Map.of(
                "CAIRN_STORE", "file:///unused",
                "CAIRN_GITLAB_URL", gitlab.url().toString(),
                "CAIRN_GITLAB_PROJECT", "group/project"));
    ReportSource reports =
        (commit, folder) -> {
          assertEquals(Runs.RESULTS, commit);
          return report(folder.substring("results/".length()), extra);
        };
    return Notifier.open(
        s.gitlab(),
        tmp.resolve("state"),
        Map.of("CAIRN_GITLAB_TOKEN", TOKEN),
        reports,
        clock,
        dev.cairn.metrics.Metrics.NONE,
        dev.cairn.Faults.NONE,
        Duration.ofSeconds(5));
  }

  @Test
  void secondRun_updatesTheNoteOfTheFirst_neverASecondNote() throws Exception {
    gitlab.addNote(7, "LGTM, but what about the biomass task?");
    Notifier n = notifier("");
    n.offer(run(SHA, 1, RunState.RUNNING, "running", JobState.RUNNING));
    n.deliverDue();
    assertEquals(1, gitlab.notes().size(), "no note before the run ends");
    n.offer(run(SHA, 1, RunState.SUCCEEDED, "1 of 1 task(s) completed", JobState.COMPLETED));
    n.deliverDue();
    n.offer(run(SECOND, 1, RunState.FAILED, "1 of 1 task(s) failed", JobState.FAILED));
    n.deliverDue();

    List<GitlabServer.Note> notes = gitlab.notes();
    assertEquals(2, notes.size(), notes.toString());
    String body = notes.get(1).body();
    assertTrue(body.startsWith(NoteBody.MARKER), body);
    assertTrue(body.contains("### Cairn: FAILED — run `20261207-demo-dddddddd-a1`"), body);
    List<String> calls =
        gitlab.requests().stream()
            .filter(r -> r.path().contains("/notes"))
            .map(r -> r.method() + " " + r.path())
            .toList();
    assertEquals(
        List.of(
            "GET /api/v4/projects/group%2Fproject/merge_requests/7/notes",
            "POST /api/v4/projects/group%2Fproject/merge_requests/7/notes",
            "GET /api/v4/projects/group%2Fproject/merge_requests/7/notes",
            "PUT /api/v4/projects/group%2Fproject/merge_requests/7/notes/" + notes.get(1).id()),
        calls);
    assertTrue(
        gitlab.requests().stream()
            .anyMatch(
                r ->
                    r.path()
                        .equals(
                            "/api/v4/projects/group%2Fproject/repository/commits/"
                                + SECOND
                                + "/merge_requests")));
  }

  @Test
  void charts_areUploadedOncePerRun_andLinkedAsGitlabRendersThem() throws Exception {
    Notifier n = notifier("");
    n.offer(run(SHA, 1, RunState.SUCCEEDED, "done", JobState.COMPLETED));
    n.deliverDue();
    List<GitlabServer.Request> uploads =
        gitlab.requests().stream().filter(r -> r.path().endsWith("/uploads")).toList();
    assertEquals(2, uploads.size());
    assertTrue(
        uploads.get(0).header("Content-Type").startsWith("multipart/form-data; boundary="),
        uploads.get(0).headers().toString());
    String multipart = new String(uploads.get(0).body(), StandardCharsets.ISO_8859_1);
    assertTrue(
        multipart.contains(
            "Content-Disposition: form-data; name=\"file\";"
                + " filename=\"curves-crop_classification.png\""),
        multipart);
    String body = gitlab.notes().get(0).body();
    assertTrue(
        body.matches(
            "(?s).*!\\[learning curves of crop_classification\\]\\(/uploads/[0-9a-f]{32}/"
                + "curves-crop_classification\\.png\\).*"),
        body);
    assertFalse(body.contains("](charts/"), body);
    assertTrue(body.contains("| 1 | crop_classification | test/mIoU = 0.95 |"), body);
  }

  @Test
  void aNoteWhoseSecondUploadFailed_resumesWithoutUploadingTheFirstAgain() throws Exception {
    Notifier n = notifier("");
    gitlab.failOnce("/uploads", 1, 500);
    n.offer(run(SHA, 1, RunState.SUCCEEDED, "done", JobState.COMPLETED));
    n.deliverDue();
    assertEquals(List.of(), gitlab.notes());
    clock.advance(Duration.ofSeconds(5));
    n.deliverDue();
    List<String> calls =
        gitlab.requests().stream()
            .map(r -> r.method() + " " + r.path().replace("/api/v4/projects/group%2Fproject", ""))
            .toList();
    assertEquals(
        List.of(
            "POST /statuses/" + SHA,
            "GET /repository/commits/" + SHA + "/merge_requests",
            "POST /uploads",
            "POST /uploads",
            "GET /repository/commits/" + SHA + "/merge_requests",
            "POST /uploads",
            "GET /merge_requests/7/notes",
            "POST /merge_requests/7/notes"),
        calls,
        "the status is not posted twice, the first chart not uploaded twice");
    assertEquals(1, gitlab.notes().size());
  }

  @Test
  void theNoteOfAnotherMergeRequestPage_isFoundByItsMarker() throws Exception {
    Notifier n = notifier("");
    n.offer(run(SHA, 1, RunState.SUCCEEDED, "done", JobState.COMPLETED));
    n.deliverDue();
    for (int i = 0; i < 230; i++) {
      gitlab.addNote(7, "comment " + i);
    }
    n.offer(run(SECOND, 1, RunState.SUCCEEDED, "done", JobState.COMPLETED));
    n.deliverDue();
    assertEquals(
        1, gitlab.notes().stream().filter(x -> x.body().startsWith(NoteBody.MARKER)).count());
    assertTrue(gitlab.notes().get(0).body().contains("dddddddd"), "the first note was updated");
  }

  @Test
  void aReportLongerThanGitlabAllows_isCutToFit_andSaysWhere() throws Exception {
    String huge = "| row | " + "x".repeat(90) + " |\n";
    Notifier n = notifier(huge.repeat(12_000));
    n.offer(run(SHA, 1, RunState.SUCCEEDED, "done", JobState.COMPLETED));
    n.deliverDue();
    String body = gitlab.notes().get(0).body();
    assertTrue(body.length() <= 1_000_000, "length " + body.length());
    assertTrue(body.contains("it is cut here"), body.substring(body.length() - 300));
  }
}
