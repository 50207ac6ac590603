package dev.cairn.cli;

import dev.cairn.results.OutputsPull;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code agent.jar pull}: brings back the outputs that the {@code .dvc} files of a revision name,
 * from the DVC remote in {@code .dvc/config}, checking each object's MD5: {@code dvc pull} without
 * DVC.
 */
@Command(
    name = "pull",
    mixinStandardHelpOptions = true,
    header = "Download a results commit's outputs from the DVC remote, checking every MD5.",
    description = {
      "Download the outputs named by the .dvc files of a Git revision (default HEAD) from the",
      "DVC remote of .dvc/config, verifying every object's MD5. S3 credentials come from",
      "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY or the AWS SDK's default chain."
    })
final class PullCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--rev",
      paramLabel = "REV",
      defaultValue = "HEAD",
      description = "Revision whose .dvc files to read (default: ${DEFAULT-VALUE}).")
  String rev;

  @Option(
      names = "--repo",
      paramLabel = "DIR",
      defaultValue = ".",
      description = "The Git working tree (default: the current folder).")
  Path repo;

  @Option(
      names = "--jobs",
      paramLabel = "N",
      defaultValue = "8",
      description = "Parallel downloads (default: ${DEFAULT-VALUE}).")
  int jobs;

  @Parameters(
      paramLabel = "PATH",
      arity = "0..*",
      description = "Only .dvc files under these paths (default: all).")
  List<String> paths = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    new OutputsPull(repo, rev, paths, jobs).pull(spec.commandLine().getOut());
    return 0;
  }
}
