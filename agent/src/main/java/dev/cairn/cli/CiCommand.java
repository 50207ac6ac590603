package dev.cairn.cli;

import picocli.CommandLine.Command;

/** {@code agent.jar ci ...}: the two steps of the GitLab pipeline. */
@Command(
    name = "ci",
    mixinStandardHelpOptions = true,
    header = "The pipeline's steps: submit the committed config, await the run's result.",
    subcommands = {CiSubmitCommand.class, CiAwaitCommand.class})
final class CiCommand implements Runnable {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
