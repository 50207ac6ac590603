package dev.cairn.ci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.testing.Fixtures;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ci/Containerfile}, the CI jobs' image, checked as text (no container engine runs here):
 * Java 17, git, the jar {@code .ci/release.sh} makes, where {@code ci/agent-jar.sh} looks for it;
 * and the pipeline of an experiment repository without Cairn's sources taking that jar as it is.
 */
class ContainerImageTest {
  @TempDir Path tmp;

  private static String read(String path) throws Exception {
    return Files.readString(Fixtures.projectDir().resolve(path));
  }

  private static List<String> instructions(String file) {
    return file.lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
  }

  @Test
  void containerfile_hasJava17Git_andTheReleasedJarWhereTheScriptLooks() throws Exception {
    List<String> lines = instructions(read("ci/Containerfile"));
    assertTrue(lines.get(0).matches("FROM \\S+/eclipse-temurin:17-jre"), lines.get(0));
    assertTrue(
        lines.stream().anyMatch(l -> l.contains("apt-get install") && l.contains(" git ")),
        lines.toString());
    assertTrue(lines.contains("ARG VERSION"), lines.toString());
    assertTrue(
        lines.contains("COPY dist/cairn-agent-${VERSION}.jar /opt/cairn/agent.jar"),
        lines.toString());
    assertTrue(lines.contains("ENV CAIRN_IMAGE_JAR=/opt/cairn/agent.jar"), lines.toString());
    // the names the release script gives its files
    String release = read(".ci/release.sh");
    assertTrue(release.contains("name=cairn-agent-$version.jar"), release);
    assertTrue(release.contains("sha256sum \"$name\" > \"$name.sha256\""), release);
    assertTrue(
        lines.contains("COPY dist/cairn-agent-${VERSION}.jar.sha256 /opt/cairn/agent.jar.sha256"),
        lines.toString());
  }

  @Test
  void pipeline_runsInTheImageItsVariableNames() throws Exception {
    String pipeline = read("ci/.gitlab-ci.yml");
    assertTrue(pipeline.contains("\n  CAIRN_CI_IMAGE: maven:3.9-eclipse-temurin-17\n"), pipeline);
    assertTrue(pipeline.contains("\n  image: $CAIRN_CI_IMAGE\n"), pipeline);
  }

  @Test
  void agentJarScript_inTheImage_takesItsJar_withoutSourcesOrMaven() throws Exception {
    Path repo = Files.createDirectories(tmp.resolve("experiments"));
    Path jar = Files.createDirectories(tmp.resolve("opt/cairn")).resolve("agent.jar");
    Files.writeString(jar, "jar", StandardCharsets.UTF_8);
    ProcessBuilder pb =
        new ProcessBuilder(
                "bash",
                "-c",
                ". "
                    + Fixtures.projectDir().resolve("ci/agent-jar.sh")
                    + " && echo \"JAR=$CAIRN_JAR\"")
            .directory(repo.toFile())
            .redirectErrorStream(true);
    pb.environment().put("PATH", "/usr/bin:/bin");
    pb.environment().put("CAIRN_AGENT_JAR", "");
    pb.environment().put("CAIRN_IMAGE_JAR", jar.toString());
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), out);
    assertTrue(out.lines().anyMatch(l -> l.equals("JAR=" + jar)), out);
  }
}
