package dev.cairn.scheduler.lsf;

import dev.cairn.CairnException;
import dev.cairn.scheduler.ShellWords;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How {@link LsfScheduler} calls LSF: where the commands are, the submit command (bsub, or a site
 * wrapper such as IBM's {@code jbsub}) and its extra arguments, a timeout per command, and the only
 * environment the commands get.
 *
 * @param binDir folder of bsub, bjobs, bkill and bhist; empty to find them on PATH
 * @param submitCommand {@code bsub}, or a wrapper that passes its options to bsub
 * @param commandEnvironment what the commands run with instead of the agent's environment; LSF
 *     copies the submission environment into the job, so nothing else of the agent's may be here
 */
public record LsfOptions(
    String binDir,
    String submitCommand,
    List<String> submitArgs,
    Duration timeout,
    Map<String, String> commandEnvironment) {

  public LsfOptions {
    binDir = binDir == null ? "" : binDir.strip();
    Objects.requireNonNull(submitCommand, "submitCommand");
    if (submitCommand.isBlank()) {
      throw new CairnException("CAIRN_LSF_SUBMIT_COMMAND is empty; set it to bsub or a wrapper");
    }
    submitArgs = List.copyOf(submitArgs);
    Objects.requireNonNull(timeout, "timeout");
    commandEnvironment = Map.copyOf(commandEnvironment);
  }

  /** Options from the agent settings' words, the agent's environment filtered, 60 s a command. */
  public static LsfOptions of(String binDir, String submitCommand, String submitArgs) {
    return new LsfOptions(
        binDir,
        submitCommand == null || submitCommand.isBlank() ? "bsub" : submitCommand.strip(),
        splitArguments(submitArgs == null ? "" : submitArgs),
        Duration.ofSeconds(60),
        passedFrom(System.getenv()));
  }

  public LsfOptions withTimeout(Duration newTimeout) {
    return new LsfOptions(binDir, submitCommand, submitArgs, newTimeout, commandEnvironment);
  }

  public LsfOptions withCommandEnvironment(Map<String, String> environment) {
    return new LsfOptions(binDir, submitCommand, submitArgs, timeout, environment);
  }

  /** The command to run for an LSF tool name, in {@link #binDir} where one is set. */
  String command(String name) {
    if (binDir.isEmpty() || name.contains("/")) {
      return name;
    }
    return Path.of(binDir, name).toString();
  }

  /** The subset of {@code environment} that LSF commands need. */
  static Map<String, String> passedFrom(Map<String, String> environment) {
    return LsfProvider.ENVIRONMENT.passedFrom(environment);
  }

  static List<String> splitArguments(String text) {
    return ShellWords.split("CAIRN_LSF_SUBMIT_ARGS", text);
  }
}
