package dev.cairn.scheduler.local;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.model.JobState;
import dev.cairn.scheduler.CommandRunner;
import dev.cairn.scheduler.ExecCommandRunner;
import dev.cairn.scheduler.JobStatus;
import dev.cairn.scheduler.JobSubmission;
import dev.cairn.scheduler.Scheduler;
import dev.cairn.testing.ManualClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local scheduler with real processes, polled with Awaitility; its time moved by hand. */
class LocalSchedulerTest {
  @TempDir Path tmp;

  private JobSubmission job(String name, String body) throws Exception {
    Path script = tmp.resolve(name + ".sh");
    Files.writeString(script, "#!/bin/bash\n" + body + "\n");
    return new JobSubmission(
        name,
        script,
        tmp,
        tmp.resolve("out").resolve(name + ".out"),
        tmp.resolve("err").resolve(name + ".err"),
        Map.of());
  }

  /** A script body that waits until the test creates {@code gate}: no sleeping on either side. */
  private String waitFor(String gate) {
    return "while [ ! -e " + tmp.resolve(gate) + " ]; do sleep 0.05; done";
  }

  private void open(String gate) throws Exception {
    Files.writeString(tmp.resolve(gate), "go");
  }

  private static JobStatus status(Scheduler s, String id) throws Exception {
    return s.status(List.of(id)).get(id);
  }

  private static JobStatus awaitState(Scheduler s, String id, JobState state) {
    return await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> status(s, id), st -> st.state() == state);
  }

  private static JobStatus awaitEnd(Scheduler s, String id) {
    return await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> status(s, id), st -> st.state().isTerminal());
  }

  private Path jobDir(String id) {
    return tmp.resolve("spool/jobs").resolve(id);
  }

  @Test
  void submit_runsTheScriptWithOutputsAndExitCode() throws Exception {
    try (LocalScheduler s = new LocalScheduler(tmp.resolve("spool"), 2, Clock.systemUTC())) {
      String ok = s.submit(job("ok", "echo hello; echo oops >&2"));
      String bad = s.submit(job("bad", "exit 3"));
      JobStatus done = awaitEnd(s, ok);
      assertEquals(JobState.COMPLETED, done.state());
      assertEquals(0, done.exitCode());
      assertNotNull(done.elapsedSeconds());
      assertEquals("hello\n", Files.readString(tmp.resolve("out/ok.out")));
      assertEquals("oops\n", Files.readString(tmp.resolve("err/ok.err")));
      JobStatus failed = awaitEnd(s, bad);
      assertEquals(JobState.FAILED, failed.state());
      assertEquals(3, failed.exitCode());
      assertEquals("exit code 3", failed.reason());
    }
  }

  @Test
  void submit_keepsTheConcurrencyLimit() throws Exception {
    try (LocalScheduler s = new LocalScheduler(tmp.resolve("spool"), 1, Clock.systemUTC())) {
      String first = s.submit(job("first", waitFor("first-go")));
      String second = s.submit(job("second", "true"));
      awaitState(s, first, JobState.RUNNING);
      assertEquals(JobState.PENDING, status(s, second).state());
      open("first-go");
      assertEquals(JobState.COMPLETED, awaitEnd(s, first).state());
      assertEquals(JobState.COMPLETED, awaitEnd(s, second).state());
    }
  }

  @Test
  void submit_givesTheJobNoneOfTheAgentsEnvironment() throws Exception {
    try (LocalScheduler s = new LocalScheduler(tmp.resolve("spool"), 1, Clock.systemUTC())) {
      String id = s.submit(job("env", "env"));
      awaitEnd(s, id);
      String env = Files.readString(tmp.resolve("out/env.out"));
      assertTrue(env.contains("PATH="), env);
      for (String line : env.split("\n")) {
        String name = line.split("=", 2)[0];
        assertTrue(
            List.of(
                    "PATH",
                    "HOME",
                    "USER",
                    "LANG",
                    "TMPDIR",
                    "JAVA_HOME",
                    "PWD",
                    "SHLVL",
                    "_",
                    "OLDPWD",
                    LocalProcesses.MARKER)
                .contains(name),
            "unexpected variable in the job: " + name);
      }
    }
  }

  @Test
  void submit_startsTheWrapperThroughTheCommandRunner() throws Exception {
    List<List<String>> commands = new CopyOnWriteArrayList<>();
    CommandRunner exec = new ExecCommandRunner();
    CommandRunner recording =
        call -> {
          commands.add(call.command());
          return exec.run(call);
        };
    try (LocalScheduler s =
        new LocalScheduler(tmp.resolve("spool"), 1, Clock.systemUTC(), recording)) {
      assertEquals(JobState.COMPLETED, awaitEnd(s, s.submit(job("seen", "true"))).state());
    }
    assertEquals(1, commands.size(), commands.toString());
    assertTrue(String.join(" ", commands.get(0)).contains("setsid"), commands.toString());
  }

  @Test
  void cancel_stopsARunningJob() throws Exception {
    try (LocalScheduler s = new LocalScheduler(tmp.resolve("spool"), 1, Clock.systemUTC())) {
      String id = s.submit(job("long", "sleep 30"));
      String queued = s.submit(job("queued", "true"));
      awaitState(s, id, JobState.RUNNING);
      s.cancel(List.of(id, queued));
      assertEquals(JobState.CANCELLED, awaitEnd(s, id).state());
      assertEquals(JobState.CANCELLED, status(s, queued).state());
    }
  }

  @Test
  void timeLimit_endsTheJobAsTimeout() throws Exception {
    ManualClock clock = new ManualClock(Instant.now());
    try (LocalScheduler s = new LocalScheduler(tmp.resolve("spool"), 1, clock)) {
      String id = s.submit(job("slow", "#CAIRN-LOCAL --time=60\nsleep 30"));
      awaitState(s, id, JobState.RUNNING);
      clock.advance(Duration.ofSeconds(120));
      assertEquals(JobState.TIMEOUT, awaitEnd(s, id).state());
    }
  }

  @Test
  void restart_findsJobsAndTheirEndAgain() throws Exception {
    String id;
    try (LocalScheduler s = new LocalScheduler(tmp.resolve("spool"), 1, Clock.systemUTC())) {
      id = s.submit(job("survivor", waitFor("survivor-go") + "; echo done"));
      awaitState(s, id, JobState.RUNNING);
    }
    // the first instance is gone (as after an agent crash); the job keeps running
    try (LocalScheduler again = new LocalScheduler(tmp.resolve("spool"), 1, Clock.systemUTC())) {
      assertEquals(Optional.of(id), again.findByName("survivor"));
      assertEquals(Optional.empty(), again.findByName("never-submitted"));
      assertEquals(JobState.RUNNING, status(again, id).state());
      open("survivor-go");
      assertEquals(JobState.COMPLETED, awaitEnd(again, id).state());
      assertEquals("done\n", Files.readString(tmp.resolve("out/survivor.out")));
    }
  }

  /** Issue 14: killed between the launch mark and the start, the job stayed PENDING for good. */
  @Test
  void restart_startsAJobMarkedLaunchedThatNeverStarted() throws Exception {
    String id;
    try (LocalScheduler idle = new LocalScheduler(tmp.resolve("spool"), 0, Clock.systemUTC())) {
      id = idle.submit(job("half-launched", "echo ran >> " + tmp.resolve("starts")));
    }
    // what an agent killed right after marking the launch leaves: `launched`, no pid, no process
    Files.writeString(jobDir(id).resolve("launched"), "0");
    try (LocalScheduler again = new LocalScheduler(tmp.resolve("spool"), 1, Clock.systemUTC())) {
      assertEquals(JobState.COMPLETED, awaitEnd(again, id).state());
    }
    assertEquals(List.of("ran"), Files.readAllLines(tmp.resolve("starts")));
  }

  /** Issue 14: a job whose wrapper was killed was called LOST while its script still ran. */
  @Test
  void status_keepsAJobRunningWhileItOutlivesItsWrapper() throws Exception {
    try (LocalScheduler s = new LocalScheduler(tmp.resolve("spool"), 1, Clock.systemUTC())) {
      Path running = tmp.resolve("orphan-running");
      String id =
          s.submit(
              job("orphan", "touch " + running + "; " + waitFor("orphan-go") + "; echo finished"));
      awaitState(s, id, JobState.RUNNING);
      // the script itself runs (not only its wrapper, which marks the start before it forks)
      await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(running));
      long wrapper = Long.parseLong(Files.readString(jobDir(id).resolve("pid")).strip());
      ProcessHandle.of(wrapper).orElseThrow().destroyForcibly();
      await().atMost(Duration.ofSeconds(10)).until(() -> ProcessHandle.of(wrapper).isEmpty());
      assertEquals(JobState.RUNNING, status(s, id).state());
      open("orphan-go");
      JobStatus end = awaitEnd(s, id);
      assertEquals(JobState.COMPLETED, end.state(), end.toString());
      assertEquals("finished\n", Files.readString(tmp.resolve("out/orphan.out")));
    }
  }

  @Test
  void status_callsAJobLostOnlyWhenNoneOfItsProcessesSurvive() throws Exception {
    try (LocalScheduler s = new LocalScheduler(tmp.resolve("spool"), 1, Clock.systemUTC())) {
      String id = s.submit(job("doomed", "sleep 30"));
      awaitState(s, id, JobState.RUNNING);
      assertTrue(!LocalProcesses.of(jobDir(id)).isEmpty());
      // the job's shell may fork its sleep after a first look: kill until none is left
      await()
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(50))
          .until(
              () -> {
                List<ProcessHandle> left = LocalProcesses.of(jobDir(id));
                left.forEach(ProcessHandle::destroyForcibly);
                return left.isEmpty();
              });
      assertEquals(JobState.LOST, awaitEnd(s, id).state());
    }
  }

  /** A full disk while the job writes its checkpoint, made by a file-size limit on the job. */
  @Test
  void status_aJobThatFillsItsDiskFailsWithTheSignal() throws Exception {
    try (LocalScheduler s = new LocalScheduler(tmp.resolve("spool"), 1, Clock.systemUTC())) {
      String id =
          s.submit(
              job("full", "ulimit -f 8\nhead -c 1048576 /dev/zero > " + tmp.resolve("last.ckpt")));
      JobStatus end = awaitEnd(s, id);
      assertEquals(JobState.FAILED, end.state());
      assertEquals("killed by signal 25", end.reason(), "SIGXFSZ: file size limit exceeded");
      assertEquals(8 * 1024, Files.size(tmp.resolve("last.ckpt")));
    }
  }

  @Test
  void status_reportsUnknownIdsAsLost() throws Exception {
    try (LocalScheduler s = new LocalScheduler(tmp.resolve("spool"), 1, Clock.systemUTC())) {
      assertEquals(JobState.LOST, status(s, "999").state());
    }
  }
}
