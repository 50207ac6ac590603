package dev.cairn.ci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.testing.Fixtures;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pipeline's default way to get agent.jar ({@code CAIRN_AGENT_JAR} empty): {@code
 * ci/agent-jar.sh} builds it with Maven, which the pipeline's image must have.
 */
class AgentJarScriptTest {
  @TempDir Path tmp;

  /** Sources ci/agent-jar.sh in {@code repo} with only {@code bin} on PATH; exit code, output. */
  private String[] source(Path repo, Path bin) throws Exception {
    ProcessBuilder pb =
        new ProcessBuilder(
                "bash",
                "-c",
                ". "
                    + Fixtures.projectDir().resolve("ci/agent-jar.sh")
                    + " && echo \"JAR=$CAIRN_JAR\"")
            .directory(repo.toFile())
            .redirectErrorStream(true);
    for (String tool : new String[] {"mkdir", "cp", "mv"}) {
      Path link = bin.resolve(tool);
      if (!Files.exists(link)) {
        Files.createSymbolicLink(link, Path.of("/bin", tool));
      }
    }
    pb.environment().put("PATH", bin.toString());
    pb.environment().put("CAIRN_AGENT_JAR", "");
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    return new String[] {Integer.toString(p.exitValue()), out};
  }

  private Path repoWithSources() throws Exception {
    Path repo = Files.createDirectories(tmp.resolve("repo"));
    Files.writeString(repo.resolve("pom.xml"), "<project/>");
    Files.createDirectories(repo.resolve("agent"));
    return repo;
  }

  @Test
  void emptyAgentJar_buildsItWithMaven() throws Exception {
    Path repo = repoWithSources();
    Path bin = Files.createDirectories(tmp.resolve("bin"));
    Path mvn = bin.resolve("mvn");
    // a stand-in for Maven: records its arguments and leaves a jar where the real build does
    Files.writeString(
        mvn,
        "#!/bin/sh\necho \"$@\" > mvn.args\n/bin/mkdir -p agent/target && echo jar > agent/target/agent.jar\n");
    Files.setPosixFilePermissions(mvn, PosixFilePermissions.fromString("rwxr-xr-x"));
    String[] r = source(repo, bin);
    assertEquals("0", r[0], r[1]);
    assertTrue(r[1].contains("JAR=" + repo.resolve(".cairn/bin/agent.jar")), r[1]);
    assertEquals("jar\n", Files.readString(repo.resolve(".cairn/bin/agent.jar")));
    assertEquals(
        "-B -q -DskipTests -Dmaven.repo.local=" + repo.resolve(".cairn/m2") + " package",
        Files.readString(repo.resolve("mvn.args")).strip());
  }

  @Test
  void emptyAgentJar_withoutMaven_saysWhichImageToUse() throws Exception {
    Path repo = repoWithSources();
    Path bin = Files.createDirectories(tmp.resolve("empty-bin"));
    String[] r = source(repo, bin);
    assertEquals("2", r[0], r[1]);
    assertTrue(r[1].contains("has no mvn") && r[1].contains("maven:3.9-eclipse-temurin-17"), r[1]);
  }

  @Test
  void pipelineImage_hasMaven() throws Exception {
    String pipeline = Files.readString(Fixtures.projectDir().resolve("ci/.gitlab-ci.yml"));
    // the default image; an experiment repository without sources sets the CI image instead
    assertTrue(pipeline.contains("  CAIRN_CI_IMAGE: maven:3.9-eclipse-temurin-17\n"), pipeline);
    assertTrue(pipeline.contains("  image: $CAIRN_CI_IMAGE\n"), pipeline);
  }
}
