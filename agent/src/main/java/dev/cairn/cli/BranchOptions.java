package dev.cairn.cli;

import dev.cairn.results.BranchRuns;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/** Which repository and branch {@code runs} and {@code compare} read results commits from. */
final class BranchOptions {
  @Option(
      names = "--repo",
      paramLabel = "DIR|URL",
      defaultValue = ".",
      description =
          "A clone of the experiment repository or its URL (default: the current folder).")
  String repo;

  @Option(
      names = "--branch",
      paramLabel = "BRANCH",
      description = "Default: the clone's current branch (the remote's default branch for a URL).")
  @Nullable String branch;

  BranchRuns load() {
    return BranchRuns.load(repo, branch);
  }
}
