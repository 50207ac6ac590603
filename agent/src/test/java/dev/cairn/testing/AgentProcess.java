package dev.cairn.testing;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** {@code java -jar agent.jar ...} as a separate process, as a user starts it; killed at close. */
public final class AgentProcess implements AutoCloseable {
  private final Process process;
  private final Path log;

  private AgentProcess(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  public static Path agentJar() {
    String jar = System.getProperty("cairn.agentJar");
    if (jar == null) {
      throw new IllegalStateException(
          "cairn.agentJar is not set: run the integration tests with mvn verify");
    }
    return Path.of(jar);
  }

  /** Starts the agent with the arguments; stdout and stderr go to {@code log}. */
  public static AgentProcess start(Path log, Map<String, String> env, String... args)
      throws IOException {
    List<String> cmd = new ArrayList<>(List.of("java", "-jar", agentJar().toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb =
        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().putAll(env);
    return new AgentProcess(pb.start(), log);
  }

  /**
   * Starts the agent with its log (stderr) in {@code log} and what the command prints (stdout) in
   * {@code output}, for tests of the log's format.
   */
  public static AgentProcess startApart(
      Path log, Path output, Map<String, String> env, String... args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of("java", "-jar", agentJar().toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb =
        new ProcessBuilder(cmd).redirectError(log.toFile()).redirectOutput(output.toFile());
    pb.environment().putAll(env);
    return new AgentProcess(pb.start(), log);
  }

  public int waitFor(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError("the agent did not exit within " + timeout + "; see " + log);
    }
    return process.exitValue();
  }

  /** SIGTERM, as a service manager stops the daemon; returns the exit code. */
  public int terminate(Duration timeout) throws InterruptedException {
    process.destroy();
    return waitFor(timeout);
  }

  /** SIGKILL: no shutdown hook runs, as when a login node's OOM killer strikes. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  public long pid() {
    return process.pid();
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroy();
      if (!process.waitFor(15, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
  }
}
