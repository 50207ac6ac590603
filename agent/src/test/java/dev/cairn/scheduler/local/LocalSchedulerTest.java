package dev.cairn.scheduler.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.scheduler.JobState;
import dev.cairn.scheduler.JobStatus;
import dev.cairn.scheduler.JobSubmission;
import dev.cairn.scheduler.Scheduler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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

  private static JobStatus awaitEnd(Scheduler s, String id) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (System.nanoTime() < deadline) {
      JobStatus st = s.status(List.of(id)).get(id);
      if (st.state().isTerminal()) {
        return st;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("job " + id + " did not end within 20 s");
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
      String first = s.submit(job("first", "sleep 1"));
      String second = s.submit(job("second", "true"));
      Thread.sleep(400);
      Map<String, JobStatus> st = s.status(List.of(first, second));
      assertEquals(JobState.RUNNING, st.get(first).state());
      assertEquals(JobState.PENDING, st.get(second).state());
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
                    "OLDPWD")
                .contains(name),
            "unexpected variable in the job: " + name);
      }
    }
  }

  @Test
  void cancel_stopsARunningJob() throws Exception {
    try (LocalScheduler s = new LocalScheduler(tmp.resolve("spool"), 1, Clock.systemUTC())) {
      String id = s.submit(job("long", "sleep 30"));
      String queued = s.submit(job("queued", "true"));
      Thread.sleep(400);
      s.cancel(List.of(id, queued));
      assertEquals(JobState.CANCELLED, awaitEnd(s, id).state());
      assertEquals(JobState.CANCELLED, s.status(List.of(queued)).get(queued).state());
    }
  }

  @Test
  void timeLimit_endsTheJobAsTimeout() throws Exception {
    try (LocalScheduler s = new LocalScheduler(tmp.resolve("spool"), 1, Clock.systemUTC())) {
      String id = s.submit(job("slow", "#CAIRN-LOCAL --time=1\nsleep 30"));
      JobStatus st = awaitEnd(s, id);
      assertEquals(JobState.TIMEOUT, st.state());
    }
  }

  @Test
  void restart_findsJobsAndTheirEndAgain() throws Exception {
    String id;
    try (LocalScheduler s = new LocalScheduler(tmp.resolve("spool"), 1, Clock.systemUTC())) {
      id = s.submit(job("survivor", "sleep 1; echo done"));
      Thread.sleep(300);
    }
    // the first instance is gone (as after an agent crash); the job keeps running
    try (LocalScheduler again = new LocalScheduler(tmp.resolve("spool"), 1, Clock.systemUTC())) {
      assertEquals(Optional.of(id), again.findByName("survivor"));
      assertEquals(Optional.empty(), again.findByName("never-submitted"));
      assertEquals(JobState.COMPLETED, awaitEnd(again, id).state());
      assertEquals("done\n", Files.readString(tmp.resolve("out/survivor.out")));
    }
  }

  @Test
  void status_reportsUnknownIdsAsLost() throws Exception {
    try (LocalScheduler s = new LocalScheduler(tmp.resolve("spool"), 1, Clock.systemUTC())) {
      assertEquals(JobState.LOST, s.status(List.of("999")).get("999").state());
    }
  }
}
