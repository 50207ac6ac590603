package dev.cairn.ci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.cairn.testing.AgentProcess;
import java.util.List;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.Test;

/** The built agent.jar ships the agent and its commands, and none of the benchmarks. */
class AgentJarContentsIT {
  @Test
  void agentJar_holdsTheCommandsAndNoBenchClass() throws Exception {
    try (JarFile jar = new JarFile(AgentProcess.agentJar().toFile())) {
      assertNotNull(jar.getEntry("dev/cairn/cli/Main.class"), "the commands are in the jar");
      assertEquals(
          "dev.cairn.cli.Main", jar.getManifest().getMainAttributes().getValue("Main-Class"));
      List<String> bench =
          jar.stream()
              .map(ZipEntry::getName)
              .filter(name -> name.startsWith("dev/cairn/bench/"))
              .toList();
      assertEquals(List.of(), bench, "bench classes belong in cairn-bench.jar");
    }
  }
}
