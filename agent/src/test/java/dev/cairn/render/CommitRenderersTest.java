package dev.cairn.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.CairnException;
import dev.cairn.config.ExperimentConfig;
import dev.cairn.git.GitAuth;
import dev.cairn.git.GitClone;
import dev.cairn.git.GitTestRepos;
import dev.cairn.plan.JobSpec;
import dev.cairn.plan.RunPlan;
import dev.cairn.testing.Fixtures;
import dev.cairn.trigger.RepoMirror;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.eclipse.jgit.lib.ObjectId;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs render with the templates of their own commit, read from the agent's clone of the
 * repository.
 */
class CommitRenderersTest {
  @TempDir Path tmp;
  private String url;
  private ObjectId older;
  private ObjectId newer;
  private ObjectId bare;

  private static Map<String, String> projectFiles(String folder) throws Exception {
    Map<String, String> files = new TreeMap<>();
    Path root = Fixtures.projectDir();
    try (Stream<Path> walk = Files.walk(root.resolve(folder))) {
      for (Path p :
          walk.filter(Files::isRegularFile)
              .filter(p -> !p.toString().contains("__pycache__"))
              .toList()) {
        files.put(root.relativize(p).toString(), Files.readString(p, StandardCharsets.UTF_8));
      }
    }
    return files;
  }

  @BeforeEach
  void setUp() throws Exception {
    Path remote =
        GitTestRepos.bareRemote(tmp.resolve("remote.git"), "main", Map.of("README.md", "hi\n"));
    url = remote.toUri().toString();
    Path dev = tmp.resolve("dev");
    bare =
        GitTestRepos.commitAndPush(
            url, "main", Map.of("config/config.env", "EPOCHS=1\n"), "No templates yet", dev);
    Map<String, String> files = projectFiles("templates");
    files.putAll(projectFiles("examples/terratorch"));
    older = GitTestRepos.commitAndPush(url, "main", files, "Templates", dev);
    String frame =
        files
            .get("templates/job.sh.peb")
            .replace(
                "set -euo pipefail\n",
                "set -euo pipefail\necho \"cairn: frame of the newer commit\"\n");
    String yaml =
        files.get("examples/terratorch/landslide.yaml").replace("loss: dice", "loss: focal");
    newer =
        GitTestRepos.commitAndPush(
            url,
            "main",
            Map.of("templates/job.sh.peb", frame, "examples/terratorch/landslide.yaml", yaml),
            "Say which frame runs",
            dev);
  }

  private static String render(ScriptRenderer renderer, Path work) {
    ExperimentConfig cfg =
        ExperimentConfig.parse(
            "EXPERIMENT_NAME=c\nTRAINER=terratorch\nTASKS=landslide\nLANDSLIDE_DATASET_PATH=/data/ls\n"
                .getBytes(StandardCharsets.UTF_8),
            "config.env",
            renderer.templates().tasks());
    JobSpec job =
        RunPlan.of(cfg, "3f9a2c1d4e5b6a7980e1f2a3b4c5d6e7f8091a2b", Instant.EPOCH, 1, work)
            .jobs()
            .get(0);
    return renderer.render(job, cfg, "slurm", "3f9a2c1d4e5b6a7980e1f2a3b4c5d6e7f8091a2b");
  }

  @Test
  void forRun_rendersEachCommitWithItsOwnTemplates() throws Exception {
    try (GitClone clone = GitClone.open(tmp.resolve("agent"), url, GitAuth.none())) {
      RepoMirror mirror = new RepoMirror(clone);
      mirror.fetch();
      ScriptRenderer agentOwn =
          new ScriptRenderer(Fixtures.templates(), new Site("", "", "", "test"));
      CommitRenderers renderers = new CommitRenderers(mirror::readFolder, agentOwn);

      Path newRun = tmp.resolve("work/runs/new");
      String fromNewer = render(renderers.forRun(newer.name(), newRun), tmp.resolve("work"));
      assertTrue(fromNewer.contains("echo \"cairn: frame of the newer commit\""), fromNewer);
      assertTrue(
          fromNewer.contains("    loss: focal\n"),
          "the commit's examples/terratorch too: " + fromNewer);
      assertTrue(
          Files.readString(newRun.resolve("source/templates/job.sh.peb"))
              .contains("frame of the newer commit"),
          "the run's folder keeps the templates it was rendered from");

      String fromOlder =
          render(renderers.forRun(older.name(), tmp.resolve("work/runs/old")), tmp.resolve("work"));
      assertFalse(fromOlder.contains("frame of the newer commit"), fromOlder);
      assertTrue(fromOlder.contains("    loss: dice\n"), fromOlder);
      assertEquals(
          render(agentOwn, tmp.resolve("work")),
          fromOlder,
          "the older commit holds this project's templates");

      assertSame(
          agentOwn,
          renderers.forRun(bare.name(), tmp.resolve("work/runs/bare")),
          "a commit without templates renders with the agent's own");
    }
  }

  @Test
  void materialize_refusesPathsThatLeaveTheFolder() {
    CairnException e =
        assertThrows(
            CairnException.class,
            () ->
                TemplateTree.materialize(
                    Map.of(
                        "templates/job.sh.peb", new byte[0], "templates/../../evil", new byte[0]),
                    tmp.resolve("r"),
                    "t"));
    assertTrue(e.getMessage().contains("leaves its folder"), e.getMessage());
  }
}
