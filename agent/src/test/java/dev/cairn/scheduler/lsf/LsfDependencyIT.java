package dev.cairn.scheduler.lsf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.model.JobState;
import dev.cairn.scheduler.CommandRunner;
import dev.cairn.scheduler.JobStatus;
import dev.cairn.scheduler.JobSubmission;
import dev.cairn.testing.Fixtures;
import dev.cairn.testing.SlurmCluster;
import dev.cairn.testing.UsesSlurm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bsub -w} and job arrays on the test EMULATOR of LSF's commands (not IBM LSF; the jobs run
 * on the real single-node SLURM): a dependent job starts only after its dependency ended DONE, and
 * one whose dependency ended EXIT stays PEND with LSF's "Dependency condition invalid or never
 * satisfied", which {@link LsfScheduler} reports as FAILED.
 */
@UsesSlurm
class LsfDependencyIT {
  private static final Duration WAIT = Duration.ofSeconds(90);
  private static Path emulator;

  @TempDir Path dir;
  private LsfSchedulerIT.AgentEnvironmentRunner runner;
  private LsfScheduler lsf;

  @BeforeAll
  static void slurm() {
    SlurmCluster.ensure();
    emulator = Fixtures.projectDir().resolve("agent/src/test/lsf-emulator/bin");
  }

  @BeforeEach
  void emulatedLsf() {
    runner = new LsfSchedulerIT.AgentEnvironmentRunner();
    lsf =
        new LsfScheduler(
            runner,
            new LsfOptions(emulator.toString(), "bsub", List.of(), Duration.ofSeconds(30), env()));
  }

  private Map<String, String> env() {
    Map<String, String> env = new HashMap<>(LsfOptions.passedFrom(System.getenv()));
    env.put("PATH", emulator + ":" + System.getenv("PATH"));
    env.put("LSF_EMULATOR_STATE", dir.resolve("lsf-state").toString());
    return env;
  }

  @Test
  void done_startsTheDependentOnlyAfterTheJobEndedDone_alsoForAnArrayElement() throws Exception {
    String first =
        lsf.submit(job("first", "", "sleep 2; date +%s%N > " + dir.resolve("first.end")));
    String array =
        lsf.submit(
            job(
                "array[1-2]",
                "",
                "sleep 1; date +%s%N > " + dir.resolve("element.end") + ".$LSB_JOBINDEX"));
    String after =
        lsf.submit(job("after", "done(" + first + ")", "date +%s%N > " + dir.resolve("after")));
    String afterElement =
        lsf.submit(
            job(
                "after-element",
                "done(" + array + "[2])",
                "date +%s%N > " + dir.resolve("after-element")));
    assertEquals(JobState.COMPLETED, waitFor(after, s -> s.state().isTerminal()).state());
    assertEquals(JobState.COMPLETED, waitFor(afterElement, s -> s.state().isTerminal()).state());
    assertEquals(JobState.COMPLETED, lsf.status(List.of(first)).get(first).state());
    assertTrue(time("after") >= time("first.end"), "started after the job it waited for ended");
    assertTrue(time("after-element") >= time("element.end.2"), "after element 2 ended");
    Map<String, JobStatus> elements =
        lsf.status(List.of(lsf.arrayElementId(array, 0), lsf.arrayElementId(array, 1)));
    assertEquals(2, elements.size(), elements.toString());
    elements.values().forEach(s -> assertEquals(JobState.COMPLETED, s.state(), s.toString()));
  }

  @Test
  void done_ofAJobThatEndedExit_leavesTheDependentPendingNeverSatisfied() throws Exception {
    String failing = lsf.submit(job("failing", "", "sleep 1; exit 3"));
    String dependent = lsf.submit(job("dependent", "done(" + failing + ")", "echo ran"));
    assertEquals(JobState.FAILED, waitFor(failing, s -> s.state().isTerminal()).state());
    JobStatus never = waitFor(dependent, s -> s.state().isTerminal());
    assertEquals(JobState.FAILED, never.state(), never.toString());
    assertEquals(
        JobStatus.NEVER_SATISFIED + " (Dependency condition invalid or never satisfied)",
        never.reason());

    // LSF's own view: still PEND, with the reason in bjobs -l
    CommandRunner.Result l =
        runner.run(
            List.of(emulator.resolve("bjobs").toString(), "-l", dependent),
            null,
            env(),
            true,
            Duration.ofSeconds(30));
    // bjobs -l wraps its lines at 80 columns, going on after 21 blanks
    String text = l.stdout().replace("\n" + " ".repeat(21), "");
    assertTrue(text.contains("Status <PEND>"), text);
    assertTrue(
        text.contains("PENDING REASONS:\n Dependency condition invalid or never satisfied;"), text);
    assertFalse(Files.exists(dir.resolve("out/dependent.out")), "the dependent never ran");

    // a dependency on a job already ended EXIT is never satisfied from the start
    String late = lsf.submit(job("late", "done(" + failing + ")", "echo ran"));
    assertEquals(JobState.FAILED, lsf.status(List.of(late)).get(late).state());
    lsf.cancel(List.of(dependent, late));
    JobStatus killed = waitFor(dependent, s -> !s.state().equals(JobState.FAILED));
    assertEquals(JobState.CANCELLED, killed.state(), killed.toString());
  }

  private long time(String file) throws Exception {
    return Long.parseLong(Files.readString(dir.resolve(file)).strip());
  }

  private JobSubmission job(String name, String dependency, String body) throws Exception {
    String task = name.replaceAll("\\[.*", "");
    Path script = dir.resolve("scripts/" + task + ".sh");
    Files.createDirectories(script.getParent());
    Path out = dir.resolve("out/" + task + (name.contains("[") ? "-%I" : "") + ".out");
    String text =
        String.join(
            "\n",
            "#!/bin/bash",
            "#BSUB -J \"cairn-it-dep-" + name + "\"",
            "#BSUB -o " + out,
            "#BSUB -W 0:05",
            "#BSUB -n 1",
            "#BSUB -R \"rusage[mem=100]\"",
            dependency.isEmpty() ? "# no dependency" : "#BSUB -w '" + dependency + "'",
            body,
            "");
    Files.writeString(script, text);
    return new JobSubmission("cairn-it-dep-" + task, script, dir, out, out, Map.of());
  }

  private JobStatus waitFor(String id, Predicate<JobStatus> until) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    JobStatus last = null;
    while (System.nanoTime() < deadline) {
      last = lsf.status(List.of(id)).get(id);
      if (last != null && until.test(last)) {
        return last;
      }
      Thread.sleep(500);
    }
    throw new AssertionError("job " + id + " still " + last + " after " + WAIT.toSeconds() + " s");
  }
}
