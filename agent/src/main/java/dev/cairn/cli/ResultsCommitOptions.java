package dev.cairn.cli;

import dev.cairn.results.ResultsCommit;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The results commit {@code reproduce} and {@code rerun-stage} start from, and the clone. */
final class ResultsCommitOptions {
  @Parameters(
      paramLabel = "RESULTS_COMMIT",
      description = "The results commit (sha, tag or branch).")
  String results;

  @Option(
      names = "--repo",
      paramLabel = "DIR",
      defaultValue = ".",
      description = "The clone (default: the current folder).")
  Path repo;

  ResultsCommit read() throws IOException {
    return ResultsCommit.read(repo, results);
  }
}
