package dev.cairn.scheduler;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.exec.CommandLine;
import org.apache.commons.exec.DefaultExecutor;
import org.apache.commons.exec.ExecuteException;
import org.apache.commons.exec.ExecuteWatchdog;
import org.apache.commons.exec.PumpStreamHandler;

/** Runs commands as child processes with Apache Commons Exec, capturing both output streams. */
public final class ExecCommandRunner implements CommandRunner {

  @Override
  public Result run(Call call) throws IOException, InterruptedException {
    List<String> command = call.command();
    String stdin = call.stdin();
    Duration timeout = call.timeout();
    CommandLine line = new CommandLine(command.get(0));
    for (String arg : command.subList(1, command.size())) {
      line.addArgument(arg, false);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    ByteArrayInputStream in =
        stdin == null ? null : new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8));
    ExecuteWatchdog watchdog = ExecuteWatchdog.builder().setTimeout(timeout).get();
    DefaultExecutor executor = DefaultExecutor.builder().get();
    executor.setStreamHandler(new PumpStreamHandler(out, err, in));
    executor.setWatchdog(watchdog);
    executor.setExitValues(null);
    Map<String, String> env = new HashMap<>(call.cleanEnvironment() ? Map.of() : System.getenv());
    env.putAll(call.environment());
    int exit;
    try {
      exit = executor.execute(line, env);
    } catch (ExecuteException e) {
      exit = e.getExitValue();
    }
    if (Thread.interrupted()) {
      throw new InterruptedException("interrupted while running " + command.get(0));
    }
    if (watchdog.killedProcess()) {
      return new Result(
          command,
          124,
          out.toString(StandardCharsets.UTF_8),
          "timed out after " + timeout.toSeconds() + " s\n" + err.toString(StandardCharsets.UTF_8));
    }
    return new Result(
        command, exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }
}
