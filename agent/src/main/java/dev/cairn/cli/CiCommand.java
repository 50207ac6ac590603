package dev.cairn.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code agent.jar ci ...}: the two steps of the GitLab pipeline. */
@Command(
    name = "ci",
    mixinStandardHelpOptions = true,
    description = "The pipeline's steps: submit the committed config, await the run's result.",
    subcommands = {CiSubmitCommand.class, CiAwaitCommand.class})
final class CiCommand implements Runnable {
  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }
}
