package dev.cairn.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.CairnException;
import dev.cairn.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunHistoryTest {
  @TempDir Path tmp;

  private static byte[] runJson(RunReport run) throws Exception {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("schema", 1);
    p.put("run_id", run.runId());
    p.put("state", run.state());
    p.put("config_commit", run.configCommit());
    p.put("branch", run.branch());
    p.put("finished_at", run.finishedAt());
    p.put("subject", run.subject());
    p.put("baseline", run.baseline());
    Map<String, Object> jobs = new LinkedHashMap<>();
    for (TrialResult t : run.trials()) {
      Map<String, Object> j = new LinkedHashMap<>();
      j.put("scheduler_job_ids", List.of("1"));
      j.put("state", t.state());
      j.put("attempts", 1);
      j.put("metrics", t.metrics());
      j.putAll(RunRecords.jobFields(t));
      jobs.put(t.trialId(), j);
    }
    p.put("jobs", jobs);
    return Json.MAPPER.writeValueAsBytes(p);
  }

  private static RevCommit commit(Git git, RunReport run) throws Exception {
    Path dir = git.getRepository().getWorkTree().toPath().resolve("results").resolve(run.runId());
    Files.createDirectories(dir);
    Files.write(dir.resolve("run.json"), runJson(run));
    git.add().addFilepattern(".").call();
    return git.commit()
        .setMessage("Results of " + run.runId() + ": " + run.subject() + "\n\nConfig commit: x\n")
        .setAuthor("a", "a@example.org")
        .setCommitter("a", "a@example.org")
        .call();
  }

  @Test
  void read_listsEveryRunOfTheBranchWithItsResultsCommit_oldestFirst() throws Exception {
    try (Git git = Git.init().setDirectory(tmp.toFile()).setInitialBranch("main").call()) {
      RunReport a =
          Samples.run(
              "20261125-demo-aaaa1111",
              "aaaa1111" + "0".repeat(32),
              "5e-3",
              0.4,
              40,
              "2026-11-25T01:00:00Z");
      RunReport b =
          new RunReport(
              "20261125-demo-bbbb2222",
              "bbbb2222" + "0".repeat(32),
              null,
              "main",
              "FAILED",
              "x",
              "Break it",
              "2026-11-25T02:00:00Z",
              null,
              a.trials());
      RunReport c =
          Samples.run(
              "20261125-demo-cccc3333",
              "cccc3333" + "0".repeat(32),
              "1e-2",
              0.5,
              44,
              "2026-11-25T03:00:00Z");
      RevCommit ca = commit(git, a);
      commit(git, b);
      RevCommit cc = commit(git, c);
      List<RunReport> runs = RunHistory.read(git.getRepository(), cc);
      assertEquals(
          List.of(a.runId(), b.runId(), c.runId()), runs.stream().map(RunReport::runId).toList());
      assertEquals(ca.getName(), runs.get(0).resultsCommit());
      assertEquals(a.trials(), runs.get(0).trials(), "run.json keeps every field of the trials");
      assertEquals("Try lr 5e-3", runs.get(0).subject());

      assertEquals(
          a.runId(),
          RunHistory.baselineOf(runs.get(2), runs).runId(),
          "the previous successful run");
      assertNull(RunHistory.baselineOf(runs.get(0), runs));
      RunReport named =
          new RunReport(
              c.runId(),
              c.configCommit(),
              null,
              "main",
              "SUCCEEDED",
              null,
              null,
              c.finishedAt(),
              "bbbb",
              c.trials());
      assertEquals(
          b.runId(), RunHistory.baselineOf(named, runs).runId(), "BASELINE names a config commit");

      assertEquals(c.runId(), RunHistory.find(runs, "cccc3333").runId());
      assertEquals(a.runId(), RunHistory.find(runs, ca.getName().substring(0, 10)).runId());
      assertEquals(b.runId(), RunHistory.find(runs, "20261125-demo-b").runId());
      assertNull(RunHistory.find(runs, "dddd"));
      CairnException e =
          assertThrows(CairnException.class, () -> RunHistory.find(runs, "20261125-demo"));
      assertTrue(e.getMessage().startsWith("'20261125-demo' names 3 runs"), e.getMessage());
    }
  }

  @Test
  void read_namesARunJsonWithoutRunIdAfterItsFolder_andRendersItsJobWithoutAState()
      throws Exception {
    try (Git git = Git.init().setDirectory(tmp.toFile()).setInitialBranch("main").call()) {
      String id = "20261120-old-eeee5555";
      Path dir = tmp.resolve("results").resolve(id);
      Files.createDirectories(dir);
      Files.writeString(
          dir.resolve("run.json"),
          "{\"state\":\"SUCCEEDED\",\"jobs\":{\"landslide\":{\"metrics\":{\"test/F1\":0.9}}}}");
      git.add().addFilepattern(".").call();
      RevCommit c =
          git.commit()
              .setMessage("Results of " + id + ": old\n")
              .setAuthor("a", "a@example.org")
              .setCommitter("a", "a@example.org")
              .call();

      List<RunReport> runs = RunHistory.read(git.getRepository(), c);

      assertEquals(1, runs.size());
      RunReport run = runs.get(0);
      assertEquals(id, run.runId());
      assertEquals(c.getName(), run.resultsCommit());
      assertEquals(RunRecords.UNKNOWN_STATE, run.trials().get(0).state());
      String list = MarkdownWriter.write(Comparisons.runs("main", runs));
      assertTrue(list.contains(id), list);
      String report = MarkdownWriter.write(ReportDoc.of(run, null, java.util.Set.of()));
      assertTrue(report.contains(RunRecords.UNKNOWN_STATE), report);
    }
  }

  @Test
  void parse_refusesARunJsonThatNamesNoRun() {
    java.io.IOException e =
        assertThrows(
            java.io.IOException.class,
            () ->
                RunRecords.parse(
                    "{\"jobs\":{}}".getBytes(java.nio.charset.StandardCharsets.UTF_8), null));
    assertTrue(e.getMessage().contains("run_id"), e.getMessage());
  }

  @Test
  void parse_readsARunJsonWrittenBeforeTheReportExisted() throws Exception {
    String old =
        "{\"run_id\":\"r\",\"state\":\"SUCCEEDED\",\"config_commit\":\"abc\",\"jobs\":{\"landslide\":"
            + "{\"scheduler_job_ids\":[\"7\"],\"state\":\"COMPLETED\",\"attempts\":1,\"metrics\":{\"test/F1\":0.9}}}}";
    RunReport run = RunRecords.parse(old.getBytes(java.nio.charset.StandardCharsets.UTF_8), "def");
    TrialResult t = run.trials().get(0);
    assertEquals("landslide", t.task());
    assertEquals(0.9, t.metrics().get("test/F1"));
    assertNull(t.headline(), "no gate recorded: no headline");
    assertEquals("def", run.resultsCommit());
  }
}
