package dev.cairn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.Bundled;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RerunStageCommandTest {
  @TempDir Path tmp;

  @Test
  void checkpointsWithoutADvcConfig_isOneLineNamingTheFix() throws Exception {
    Path repo = tmp.resolve("clone");
    String runId = "demo-0123456-20260101T000000Z-1";
    Path results = repo.resolve("results").resolve(runId);
    Files.createDirectories(results);
    Files.writeString(
        results.resolve("run.json"),
        "{\"run_id\":\""
            + runId
            + "\",\"config_commit\":\"0123456789012345678901234567890123456789\","
            + "\"branch\":\"main\",\"attempt\":1,\"state\":\"SUCCEEDED\"}");
    Files.copy(Bundled.path("config").resolve("config.env"), results.resolve("config.env"));
    Files.writeString(results.resolve("checkpoints.dvc"), "outs:\n- path: checkpoints\n");
    try (Git git = Git.init().setDirectory(repo.toFile()).setInitialBranch("main").call()) {
      git.add().addFilepattern(".").call();
      git.commit()
          .setMessage("Results of " + runId + ": SUCCEEDED")
          .setAuthor("t", "t@example.com")
          .setCommitter("t", "t@example.com")
          .setSign(false)
          .call();
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();

    int code =
        Main.run(
            new String[] {
              "rerun-stage",
              "HEAD",
              "--repo",
              repo.toString(),
              "--work-dir",
              tmp.resolve("work").toString()
            },
            new PrintStream(out, true),
            new PrintStream(err, true));

    String said = err.toString(StandardCharsets.UTF_8);
    assertEquals(2, code, said);
    assertTrue(said.startsWith("cairn: "), said);
    assertTrue(said.contains("has checkpoints.dvc but no .dvc/config"), said);
    assertEquals(1, said.strip().lines().count(), said);
  }
}
