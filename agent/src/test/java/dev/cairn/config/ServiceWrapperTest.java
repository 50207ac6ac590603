package dev.cairn.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.testing.Fixtures;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code config/cairn-agent}, the wrapper the systemd unit and the cron line start: the site's
 * modules and LSF's profile loaded, then {@code $CAIRN_JAVA -jar agent.jar} with the arguments.
 */
class ServiceWrapperTest {
  @TempDir Path tmp;

  private record Result(int code, String output) {}

  /** The wrapper under a bare environment, as systemd or cron start it. */
  private Result wrapper(Map<String, String> env, String... args) throws Exception {
    List<String> command =
        new java.util.ArrayList<>(
            List.of(Fixtures.projectDir().resolve("config/cairn-agent").toString()));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().clear();
    pb.environment().put("PATH", "/usr/bin:/bin");
    pb.environment().put("HOME", tmp.toString());
    pb.environment().putAll(env);
    Process p = pb.start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    return new Result(p.exitValue(), output);
  }

  private static Path script(Path file, String body) throws Exception {
    Files.createDirectories(file.getParent());
    Files.writeString(file, "#!/bin/sh\n" + body);
    file.toFile().setExecutable(true);
    return file;
  }

  @Test
  void wrapper_loadsTheModulesAndLsfsProfile_thenRunsThatJavaWithTheArguments() throws Exception {
    Path javaDir = tmp.resolve("modules/java-17/bin");
    script(
        javaDir.resolve("java"),
        "echo \"java $*\"\necho \"LSF_SERVERDIR=$LSF_SERVERDIR\"\necho \"bsub=$(command -v bsub)\"\n");
    Path init =
        script(
            tmp.resolve("modules/init.sh"),
            "module() { echo \"module $*\" >> '"
                + tmp.resolve("module.log")
                + "'; PATH="
                + javaDir
                + ":$PATH; export PATH; }\n");
    Path lsf = tmp.resolve("lsf/conf");
    script(tmp.resolve("lsf/bin/bsub"), "exit 0\n");
    Files.writeString(
        Files.createDirectories(lsf).resolve("profile.lsf"),
        "LSF_SERVERDIR="
            + tmp.resolve("lsf/etc")
            + "\nexport LSF_SERVERDIR\n"
            + "PATH="
            + tmp.resolve("lsf/bin")
            + ":$PATH\nexport PATH\n");
    Result r =
        wrapper(
            Map.of(
                "CAIRN_MODULES",
                "java/17",
                "CAIRN_MODULES_INIT",
                init.toString(),
                "LSF_ENVDIR",
                lsf.toString(),
                "CAIRN_AGENT_JAR",
                "/srv/cairn/agent.jar"),
            "run",
            "--once",
            "--settings",
            "/srv/cairn/agent.env");
    assertEquals(0, r.code(), r.output());
    assertEquals(
        List.of(
            "java -Xmx1g -XX:+ExitOnOutOfMemoryError -jar /srv/cairn/agent.jar run --once"
                + " --settings /srv/cairn/agent.env",
            "LSF_SERVERDIR=" + tmp.resolve("lsf/etc"),
            "bsub=" + tmp.resolve("lsf/bin/bsub")),
        r.output().lines().toList());
    assertEquals("module load java/17\n", Files.readString(tmp.resolve("module.log")));
  }

  @Test
  void wrapper_runsCairnJavaWhereItIsAPath_andTheJarBesideItByDefault() throws Exception {
    Path java = script(tmp.resolve("jdk/bin/java"), "echo \"java $*\"\n");
    Result r =
        wrapper(Map.of("CAIRN_JAVA", java.toString(), "CAIRN_JAVA_OPTS", "-Xmx512m"), "version");
    assertEquals(0, r.code(), r.output());
    assertEquals(
        "java -Xmx512m -jar "
            + Fixtures.projectDir().resolve("config").toRealPath().resolve("agent.jar")
            + " version",
        r.output().strip());
  }

  @Test
  void wrapper_withoutJava_saysWhatToSetInOneLine() throws Exception {
    Result r = wrapper(Map.of("CAIRN_JAVA", tmp.resolve("nope/java").toString()), "version");
    assertEquals(2, r.code(), r.output());
    assertEquals(1, r.output().strip().lines().count(), r.output());
    assertTrue(r.output().contains("set CAIRN_JAVA to its path"), r.output());
  }

  @Test
  void wrapper_anLsfEnvdirWithoutProfile_isOneLineAndExitTwo() throws Exception {
    Result r = wrapper(Map.of("LSF_ENVDIR", tmp.toString()), "version");
    assertEquals(2, r.code(), r.output());
    assertTrue(
        r.output().startsWith("cairn-agent: LSF_ENVDIR=" + tmp + " has no readable profile.lsf"),
        r.output());
  }
}
