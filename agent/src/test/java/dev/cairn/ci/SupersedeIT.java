package dev.cairn.ci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.Json;
import dev.cairn.testing.AgentProcess;
import dev.cairn.testing.Fixtures;
import dev.cairn.testing.SlurmCluster;
import dev.cairn.testing.UsesSlurm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two commits pushed back to back, each submitted and awaited as the pipeline's two steps do, with
 * the agent daemon on SLURM: under CAIRN_SUPERSEDE=queue they run in order and both pass; under
 * latest the older run is cancelled, naming the newer commit, and its await step fails.
 */
@UsesSlurm
class SupersedeIT {
  @TempDir Path tmp;
  private Path clone;
  private Path store;
  private String config;

  @BeforeAll
  static void cluster() {
    SlurmCluster.ensure();
  }

  private void setUp(String policy, AgentConsumer body) throws Exception {
    Path bare = tmp.resolve("origin.git");
    Fixtures.git(tmp, "init", "-q", "--bare", "-b", "main", bare.toString());
    clone = tmp.resolve("clone");
    Fixtures.git(tmp, "clone", "-q", bare.toString(), clone.toString());
    Fixtures.git(clone, "checkout", "-q", "-B", "main");
    for (String part : List.of("config", "templates")) {
      Fixtures.copyTree(Fixtures.projectDir().resolve(part), clone.resolve(part));
    }
    config = Files.readString(clone.resolve("config/config.env"));
    for (String[] kv :
        new String[][] {
          {"SCHEDULER", "slurm"},
          {"TASKS", "landslide"},
          {"GPUS_PER_JOB", "0"},
          {"CPUS_PER_JOB", "2"},
          {"MEMORY_PER_JOB", "1G"},
          {"TIME_LIMIT", "10"},
          {"NUM_WORKERS", "1"}
        }) {
      config = config.replaceAll("(?m)^" + kv[0] + "=.*$", kv[0] + "=" + kv[1]);
    }
    commit(1, "Set up");
    store = tmp.resolve("store");
    Path settings = tmp.resolve("agent.env");
    Files.writeString(
        settings,
        String.join(
            "\n",
            "CAIRN_STORE=" + store.toUri(),
            "CAIRN_STATE_DIR=" + tmp.resolve("agent"),
            "CAIRN_REPO_REMOTE=" + bare.toUri(),
            "CAIRN_SUPERSEDE=" + policy,
            "CAIRN_POLL_MIN_SECONDS=1",
            "CAIRN_POLL_MAX_SECONDS=2",
            ""));
    try (AgentProcess agent =
        AgentProcess.start(
            tmp.resolve("agent.log"), Map.of(), "run", "--settings", settings.toString())) {
      body.accept(agent);
    }
  }

  private interface AgentConsumer {
    void accept(AgentProcess agent) throws Exception;
  }

  /** Commits config with EPOCHS=epochs, pushes it and returns the sha. */
  private String commit(int epochs, String message) throws Exception {
    Files.writeString(
        clone.resolve("config/config.env"),
        config.replaceAll("(?m)^EPOCHS=.*$", "EPOCHS=" + epochs));
    Fixtures.git(clone, "add", "-A");
    Fixtures.git(
        clone, "-c", "user.name=R", "-c", "user.email=r@example.org", "commit", "-qm", message);
    Fixtures.git(clone, "push", "-q", "origin", "main");
    return Fixtures.git(clone, "rev-parse", "HEAD").strip();
  }

  private void submit(String sha) throws Exception {
    Path log = tmp.resolve("submit-" + sha + ".log");
    try (AgentProcess p =
        AgentProcess.start(
            log,
            env(),
            "ci",
            "submit",
            "--commit",
            sha,
            "--branch",
            "main",
            "--config",
            clone.resolve("config/config.env").toString(),
            "--templates",
            clone.resolve("templates").toString())) {
      assertEquals(0, p.waitFor(Duration.ofSeconds(60)), Files.readString(log));
    }
  }

  private AgentProcess await(String sha) throws IOException {
    return AgentProcess.start(
        tmp.resolve("await-" + sha + ".log"),
        env(),
        "ci",
        "await",
        "--commit",
        sha,
        "--timeout",
        "240s",
        "--poll-max",
        "2",
        "--junit",
        tmp.resolve(sha + ".xml").toString(),
        "--dotenv",
        tmp.resolve(sha + ".env").toString(),
        "--report-dir",
        tmp.resolve(sha + "-report").toString(),
        "--metrics",
        tmp.resolve(sha + "-metrics.txt").toString(),
        "--git-dir",
        tmp.resolve("await-" + sha + ".git").toString());
  }

  private Map<String, String> env() {
    // await verifies a success in the repository, as CI does with CI_REPOSITORY_URL
    return Map.of(
        "CAIRN_STORE",
        store.toUri().toString(),
        "CAIRN_REPO_REMOTE",
        tmp.resolve("origin.git").toUri().toString());
  }

  private JsonNode status(String sha) throws IOException {
    return Json.MAPPER.readTree(store.resolve("runs/" + sha + "/status.json").toFile());
  }

  @Test
  void queue_twoCommitsBackToBackRunInOrder() throws Exception {
    setUp(
        "queue",
        agent -> {
          // each push's pipeline submits its own commit's config
          String first = commit(40, "Forty epochs");
          submit(first);
          String second = commit(3, "Three epochs");
          submit(second);
          try (AgentProcess a = await(first);
              AgentProcess b = await(second)) {
            assertEquals(
                0,
                a.waitFor(Duration.ofSeconds(300)),
                Files.readString(tmp.resolve("await-" + first + ".log")));
            assertEquals(
                0,
                b.waitFor(Duration.ofSeconds(300)),
                Files.readString(tmp.resolve("await-" + second + ".log")));
          }
          String secondLog = Files.readString(tmp.resolve("await-" + second + ".log"));
          assertTrue(secondLog.contains("queued behind run"), secondLog);
          long firstJob = status(first).get("jobs").get(0).get("scheduler_id").asLong();
          long secondJob = status(second).get("jobs").get(0).get("scheduler_id").asLong();
          assertTrue(
              secondJob > firstJob, "the second commit's job was submitted after the first's");
        });
  }

  @Test
  void latest_aNewerCommitCancelsTheOlderRun() throws Exception {
    setUp(
        "latest",
        agent -> {
          String older = commit(400, "Many epochs");
          submit(older);
          try (AgentProcess a = await(older)) {
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (!Files.exists(store.resolve("runs/" + older + "/status.json"))
                || !status(older).get("state").asText().equals("RUNNING")) {
              assertTrue(System.nanoTime() < deadline, "the older run did not start");
              Thread.sleep(500);
            }
            String newer = commit(3, "Three epochs after all");
            submit(newer);
            try (AgentProcess b = await(newer)) {
              assertEquals(
                  1,
                  a.waitFor(Duration.ofSeconds(120)),
                  Files.readString(tmp.resolve("await-" + older + ".log")));
              assertEquals(
                  0,
                  b.waitFor(Duration.ofSeconds(240)),
                  Files.readString(tmp.resolve("await-" + newer + ".log")));
            }
            String olderLog = Files.readString(tmp.resolve("await-" + older + ".log"));
            assertTrue(
                olderLog.contains("CANCELLED")
                    && olderLog.contains("superseded by commit " + newer),
                olderLog);
            assertEquals("CANCELLED", status(older).get("jobs").get(0).get("state").asText());
          }
        });
  }
}
