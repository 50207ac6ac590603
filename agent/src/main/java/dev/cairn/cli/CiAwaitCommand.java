package dev.cairn.cli;

import dev.cairn.ci.CiAwait;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code agent.jar ci await}: follows the run of a commit until it ends; passes or fails the job.
 */
@Command(
    name = "await",
    mixinStandardHelpOptions = true,
    header = "Follow a commit's run until it ends; pass only when every task met its gate.",
    description = {
      "Poll runs/<commit>/status.json until the run ends, printing its progress and leaderboard; write",
      "a JUnit report, a dotenv report, the run's report (from its results commit) and a metrics",
      "report; exit 0 only when every task completed and met its quality gate."
    })
final class CiAwaitCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--commit", paramLabel = "SHA", description = "Default: CI_COMMIT_SHA.")
  @Nullable String commit;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      defaultValue = "config/config.env",
      description = "The config, for the default timeout (default: ${DEFAULT-VALUE}).")
  Path config;

  @Option(
      names = "--timeout",
      paramLabel = "DURATION",
      description =
          "Give up after this long (90s, 45m, 6h). Default: MAX_ATTEMPTS x TIME_LIMIT + 30m from the config.")
  @Nullable String timeout;

  @Option(
      names = "--junit",
      paramLabel = "FILE",
      defaultValue = "cairn-junit.xml",
      description = "Default: ${DEFAULT-VALUE}.")
  Path junit;

  @Option(
      names = "--dotenv",
      paramLabel = "FILE",
      defaultValue = "cairn.env",
      description = "Default: ${DEFAULT-VALUE}.")
  Path dotenv;

  @Option(
      names = "--report-dir",
      paramLabel = "DIR",
      defaultValue = "cairn-report",
      description = "Where report.md, report.html and charts/ go (default: ${DEFAULT-VALUE}).")
  Path reportDir;

  @Option(
      names = "--metrics",
      paramLabel = "FILE",
      defaultValue = "metrics.txt",
      description = "GitLab metrics report, Prometheus text format (default: ${DEFAULT-VALUE}).")
  Path metrics;

  @Option(
      names = "--poll-max",
      paramLabel = "SECONDS",
      defaultValue = "30",
      description = "Longest pause between polls (default: ${DEFAULT-VALUE}).")
  int pollMax;

  @Option(
      names = "--repo-url",
      paramLabel = "URL",
      description =
          "The experiment repository, to verify the results commit in. Default: CAIRN_REPO_REMOTE,"
              + " else CI_REPOSITORY_URL.")
  @Nullable String repoUrl;

  @Option(
      names = "--git-dir",
      paramLabel = "DIR",
      defaultValue = ".cairn/results.git",
      description = "A clone kept for that check (default: ${DEFAULT-VALUE}).")
  Path gitDir;

  @Option(
      names = "--submit-env",
      paramLabel = "FILE",
      defaultValue = "cairn-submit.env",
      description =
          "The dotenv file `ci submit` wrote, naming the attempt to wait for (CAIRN_ATTEMPT; the"
              + " environment wins; default: ${DEFAULT-VALUE}).")
  Path submitEnv;

  @Option(
      names = "--attempt",
      paramLabel = "N",
      description = "The attempt to wait for, where no `ci submit` of this pipeline names it.")
  @Nullable Integer attempt;

  @Option(
      names = "--settings",
      paramLabel = "FILE",
      description = "Agent-style settings file for CAIRN_STORE (the environment wins).")
  @Nullable Path settingsFile;

  @Override
  public Integer call() throws Exception {
    return new CiAwait(
            new CiAwait.Options(
                commit,
                config,
                timeout,
                junit,
                dotenv,
                reportDir,
                metrics,
                pollMax,
                repoUrl,
                gitDir,
                submitEnv,
                attempt,
                settingsFile))
        .await(spec.commandLine().getOut());
  }
}
