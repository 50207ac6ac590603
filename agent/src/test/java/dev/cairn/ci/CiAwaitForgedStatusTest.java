package dev.cairn.ci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.cli.Main;
import dev.cairn.git.GitTestRepos;
import dev.cairn.model.StoreKeys;
import dev.cairn.store.FileObjectStore;
import dev.cairn.testing.Fixtures;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Whoever can write the bucket can write a status that says SUCCEEDED; {@code ci await} must fail
 * it when Git holds no results commit that records that outcome.
 */
class CiAwaitForgedStatusTest {
  @TempDir Path tmp;

  @Test
  void await_failsAForgedSucceededStatus() throws Exception {
    String commit = "ab".repeat(20);
    Path remote =
        GitTestRepos.bareRemote(
            tmp.resolve("remote.git"), "main", Map.of("config/config.env", "X=1\n"));
    FileObjectStore store = new FileObjectStore(tmp.resolve("store"));
    String forged =
        "{\"schema\": 1, \"commit\": \""
            + commit
            + "\", \"run_id\": \"20261201-x-abababababab-a1\", \"attempt\": 1, \"state\":"
            + " \"SUCCEEDED\", \"message\": \"all good\", \"jobs\": [], \"results_commit\": \""
            + "cd".repeat(20)
            + "\"}";
    store.put(StoreKeys.statusKey(commit), forged.getBytes(StandardCharsets.UTF_8));
    Path settings = tmp.resolve("agent.env");
    Files.writeString(settings, "CAIRN_STORE=" + store.describe() + "\n");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        Main.run(
            new String[] {
              "ci",
              "await",
              "--commit",
              commit,
              "--settings",
              settings.toString(),
              "--config",
              Fixtures.projectDir().resolve("config/config.env").toString(),
              "--repo-url",
              remote.toUri().toString(),
              "--git-dir",
              tmp.resolve("ci.git").toString(),
              "--timeout",
              "60s",
              "--junit",
              tmp.resolve("junit.xml").toString(),
              "--dotenv",
              tmp.resolve("cairn.env").toString()
            },
            new PrintStream(out, true),
            new PrintStream(err, true));
    String printed = out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8);
    assertEquals(1, code, printed);
    assertTrue(printed.contains("the outcome is not trusted"), printed);
  }
}
