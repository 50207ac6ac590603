package dev.cairn.scheduler.lsf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.model.JobState;
import dev.cairn.scheduler.CommandRunner;
import dev.cairn.scheduler.ExecCommandRunner;
import dev.cairn.scheduler.JobStatus;
import dev.cairn.scheduler.JobSubmission;
import dev.cairn.testing.Fixtures;
import dev.cairn.testing.UsesSlurm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link LsfScheduler} against the test EMULATOR of LSF's documented commands ({@code
 * agent/src/test/lsf-emulator}), which runs the jobs on a real single-node SLURM. This is not IBM
 * LSF: it checks Cairn against LSF's documented command-line contract. Skipped with a notice where
 * SLURM does not answer, except under CI ({@code CI=true}) where that fails.
 */
@UsesSlurm
class LsfSchedulerIT {

  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String SECRET = "it-secret-must-not-reach-the-job";
  private static Path emulator;

  @TempDir Path dir;
  private AgentEnvironmentRunner runner;
  private LsfScheduler lsf;

  @BeforeAll
  static void slurmAnswers() throws Exception {
    emulator = Fixtures.projectDir().resolve("agent/src/test/lsf-emulator/bin");
    CommandRunner.Result r;
    try {
      r =
          new ExecCommandRunner()
              .run(List.of("sinfo", "--noheader", "--format=%P %T"), Duration.ofSeconds(15));
    } catch (IOException e) {
      r = new CommandRunner.Result(List.of("sinfo"), 127, "", e.getMessage());
    }
    boolean up = r.ok() && r.stdout().contains("high") && !r.stdout().contains("down");
    if (!up) {
      String why =
          "SLURM does not answer for the LSF emulator ("
              + r.describe()
              + " "
              + r.stdout().strip()
              + "); run .ci/slurm-setup.sh as root";
      if ("true".equals(System.getenv("CI"))) {
        Assertions.fail(why);
      }
      System.err.println("NOTICE: skipping LsfSchedulerIT. " + why);
      Assumptions.abort(why);
    }
  }

  @BeforeEach
  void emulatedLsf() {
    runner = new AgentEnvironmentRunner();
    lsf = scheduler(Map.of());
  }

  private LsfScheduler scheduler(Map<String, String> extra) {
    return new LsfScheduler(
        runner,
        new LsfOptions(
            emulator.toString(), "bsub", List.of(), Duration.ofSeconds(30), environment(extra)));
  }

  /** What the agent passes (PATH, HOME, USER, LSF_*) with the emulator first on PATH. */
  private Map<String, String> environment(Map<String, String> extra) {
    Map<String, String> env = new HashMap<>(LsfOptions.passedFrom(System.getenv()));
    env.put("PATH", emulator + ":" + System.getenv("PATH"));
    env.put("LSF_EMULATOR_STATE", dir.resolve("lsf-state").toString());
    env.putAll(extra);
    return env;
  }

  @Test
  void jobRunsToDone() throws Exception {
    String id = lsf.submit(job("done", "echo hello from lsf; sleep 1", Map.of()));
    assertEquals(Optional.of(id), lsf.findByName(name("done")));
    JobStatus s = waitFor(id, st -> st.state().isTerminal());
    assertEquals(JobState.COMPLETED, s.state(), s.toString());
    assertEquals(0, s.exitCode());
    assertTrue(s.elapsedSeconds() >= 1, s.toString());
    assertTrue(Files.readString(dir.resolve("out/done.out")).contains("hello from lsf"));
  }

  @Test
  void failingJobIsExitWithItsCodeAlsoFromBhistOnceCleaned() throws Exception {
    String id = lsf.submit(job("fail", "echo failing >&2; exit 3", Map.of()));
    JobStatus s = waitFor(id, st -> st.state().isTerminal());
    assertEquals(JobState.FAILED, s.state(), s.toString());
    assertEquals(3, s.exitCode());
    assertEquals("exit code 3", s.reason());

    // past CLEAN_PERIOD bjobs says "Job <id> is not found": bhist -l answers instead
    runner.commands.clear();
    JobStatus cleaned =
        scheduler(Map.of("LSF_EMULATOR_CLEAN_PERIOD", "0")).status(List.of(id)).get(id);
    assertEquals(JobState.FAILED, cleaned.state(), cleaned.toString());
    assertEquals(3, cleaned.exitCode());
    assertEquals(
        List.of("bjobs", "bhist"),
        runner.commands.stream().map(c -> Path.of(c.get(0)).getFileName().toString()).toList());
    assertTrue(Files.readString(dir.resolve("err/fail.err")).contains("failing"));
  }

  @Test
  void oldLsfWithoutJsonIsReadFromDelimitedOutput() throws Exception {
    LsfScheduler old = scheduler(Map.of("LSF_EMULATOR_NO_JSON", "1"));
    String id = old.submit(job("old", "exit 0", Map.of()));
    JobStatus s = waitFor(old, id, st -> st.state().isTerminal());
    assertEquals(JobState.COMPLETED, s.state(), s.toString());
    assertEquals(JobState.LOST, old.status(List.of("99999")).get("99999").state());
  }

  @Test
  void killedAndPreemptedJobsResumeFromTheirCheckpointWhenResubmitted() throws Exception {
    Path counter = dir.resolve("checkpoint/counter");
    int target = 14;
    String body =
        String.join(
            "\n",
            "ckpt=" + counter,
            "mkdir -p \"$(dirname \"$ckpt\")\"",
            "n=$(cat \"$ckpt\" 2>/dev/null || echo 0)",
            "echo \"attempt $CAIRN_ATTEMPT resumes at $n\"",
            "while [ \"$n\" -lt " + target + " ]; do",
            "  n=$((n + 1)); echo \"$n\" > \"$ckpt.tmp\" && mv \"$ckpt.tmp\" \"$ckpt\"; sleep 1",
            "done",
            "echo finished at $n");

    // attempt 1: killed by its owner (bkill), which Cairn does not resubmit by itself
    String first = lsf.submit(job("ckpt", body, Map.of("CAIRN_ATTEMPT", "1"), "3000", ""));
    waitForCounter(counter, 2);
    lsf.cancel(List.of(first));
    JobStatus killed = waitFor(first, st -> st.state().isTerminal());
    assertEquals(JobState.CANCELLED, killed.state(), killed.toString());
    assertTrue(killed.reason().startsWith("TERM_OWNER"), killed.toString());
    int afterKill = Integer.parseInt(Files.readString(counter).strip());

    // attempt 2 (the caller resubmits): preempted by a job of the high queue
    String second = lsf.submit(job("ckpt", body, Map.of("CAIRN_ATTEMPT", "2"), "3000", ""));
    waitForCounter(counter, afterKill + 2);
    String urgent = lsf.submit(job("urgent", "sleep 2", Map.of(), "3000", "high"));
    JobStatus preempted = waitFor(second, st -> st.state().isTerminal());
    assertEquals(JobState.PREEMPTED, preempted.state(), preempted.toString());
    assertTrue(preempted.state().isInfrastructureFailure());
    assertTrue(preempted.reason().startsWith("TERM_PREEMPT"), preempted.toString());
    int afterPreemption = Integer.parseInt(Files.readString(counter).strip());
    assertTrue(afterPreemption < target, "preempted before the end: " + afterPreemption);

    // attempt 3 resumes and finishes; the urgent job ran too
    String third = lsf.submit(job("ckpt", body, Map.of("CAIRN_ATTEMPT", "3"), "3000", ""));
    JobStatus done = waitFor(third, st -> st.state().isTerminal());
    assertEquals(JobState.COMPLETED, done.state(), done.toString());
    assertEquals(JobState.COMPLETED, lsf.status(List.of(urgent)).get(urgent).state());
    String out = Files.readString(dir.resolve("out/ckpt.out"));
    assertTrue(out.contains("attempt 1 resumes at 0"), out);
    assertTrue(out.contains("attempt 2 resumes at " + afterKill), out);
    assertTrue(out.contains("attempt 3 resumes at " + afterPreemption), out);
    assertTrue(out.contains("finished at " + target), out);
    assertEquals(Integer.toString(target), Files.readString(counter).strip());
  }

  @Test
  void agentSecretsDoNotReachTheJob() throws Exception {
    String id = lsf.submit(job("env", "env | sort", Map.of("CAIRN_EPOCHS", "20")));
    assertEquals(JobState.COMPLETED, waitFor(id, st -> st.state().isTerminal()).state());
    String env = Files.readString(dir.resolve("out/env.out"));
    assertTrue(env.contains("CAIRN_EPOCHS=20"), env);
    assertFalse(env.contains(SECRET), env);
    assertFalse(env.contains("AWS_SECRET_ACCESS_KEY"), env);

    // the emulator copies bsub's environment into the job, as LSF does: a bsub run with the
    // agent's environment would leak the secret, which is why LsfScheduler cleans it
    Path leaky = dir.resolve("leaky.sh");
    Files.copy(job("leaky", "env | sort", Map.of()).script(), leaky);
    CommandRunner.Result r =
        runner.run(
            List.of(emulator.resolve("bsub").toString()),
            Files.readString(leaky),
            Map.of("LSF_EMULATOR_STATE", dir.resolve("lsf-state").toString()),
            false,
            Duration.ofSeconds(30));
    String leakyId =
        LsfOutput.submittedJobId(r.stdout()).orElseThrow(() -> new AssertionError(r.describe()));
    assertEquals(JobState.COMPLETED, waitFor(leakyId, st -> st.state().isTerminal()).state());
    assertTrue(
        Files.readString(dir.resolve("out/leaky.out")).contains("AWS_SECRET_ACCESS_KEY=" + SECRET));
  }

  @Test
  void submitThroughASiteWrapper() throws Exception {
    LsfScheduler jbsub =
        new LsfScheduler(
            runner,
            new LsfOptions(
                emulator.toString(),
                "jbsub",
                List.of("-q", "high"),
                Duration.ofSeconds(30),
                environment(Map.of())));
    String id = jbsub.submit(job("wrapped", "echo wrapped", Map.of()));
    assertEquals(JobState.COMPLETED, waitFor(jbsub, id, st -> st.state().isTerminal()).state());
  }

  private JobSubmission job(String task, String body, Map<String, String> environment)
      throws IOException {
    return job(task, body, environment, "200", "");
  }

  private JobSubmission job(
      String task, String body, Map<String, String> environment, String memMb, String queue)
      throws IOException {
    Path script = dir.resolve("scripts/" + task + "-" + System.nanoTime() + ".sh");
    Files.createDirectories(script.getParent());
    Path out = dir.resolve("out/" + task + ".out");
    Path err = dir.resolve("err/" + task + ".err");
    String text =
        String.join(
            "\n",
            "#!/bin/bash",
            "#BSUB -J " + name(task),
            "#BSUB -o " + out,
            "#BSUB -e " + err,
            "#BSUB -W 0:05",
            "#BSUB -n 1",
            "#BSUB -R \"span[hosts=1] rusage[mem=" + memMb + "MB]\"",
            queue.isEmpty() ? "# default queue" : "#BSUB -q " + queue,
            "set -u",
            body,
            "");
    Files.writeString(script, text);
    return new JobSubmission(name(task), script, dir, out, err, environment);
  }

  private String name(String task) {
    return "cairn-it-lsf-" + dir.getFileName() + "-" + task;
  }

  private JobStatus waitFor(String id, Predicate<JobStatus> until) throws Exception {
    return waitFor(lsf, id, until);
  }

  private static JobStatus waitFor(LsfScheduler scheduler, String id, Predicate<JobStatus> until)
      throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    JobStatus last = null;
    while (System.nanoTime() < deadline) {
      last = scheduler.status(List.of(id)).get(id);
      if (last != null && until.test(last)) {
        return last;
      }
      Thread.sleep(500);
    }
    throw new AssertionError("job " + id + " still " + last + " after " + WAIT.toSeconds() + " s");
  }

  private static void waitForCounter(Path counter, int atLeast) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      if (Files.exists(counter)) {
        String v = Files.readString(counter).strip();
        if (!v.isEmpty() && Integer.parseInt(v) >= atLeast) {
          return;
        }
      }
      Thread.sleep(200);
    }
    throw new AssertionError(
        "checkpoint counter below " + atLeast + " after " + WAIT.toSeconds() + " s");
  }

  /**
   * The real command runner inside an agent whose environment holds a credential: commands that do
   * not ask for a clean environment get it, as they would from the agent's process.
   */
  static final class AgentEnvironmentRunner implements CommandRunner {
    final List<List<String>> commands = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final ExecCommandRunner real = new ExecCommandRunner();

    @Override
    public Result run(Call call) throws IOException, InterruptedException {
      commands.add(call.command());
      Map<String, String> env = new HashMap<>(call.environment());
      if (!call.cleanEnvironment()) {
        env.putAll(System.getenv());
        env.put("AWS_SECRET_ACCESS_KEY", SECRET);
        env.putAll(call.environment());
      }
      return real.run(
          call.command(),
          call.stdin(),
          env,
          call.cleanEnvironment() || !env.isEmpty(),
          call.timeout());
    }
  }
}
