package dev.cairn.cli;

import dev.cairn.Version;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code agent.jar version}. */
@Command(name = "version", mixinStandardHelpOptions = true, header = "Print the agent's version.")
final class VersionCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().getOut().println("cairn agent " + Version.get());
    return 0;
  }
}
