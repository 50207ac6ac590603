package dev.cairn.cli;

import dev.cairn.ci.CiSubmit;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code agent.jar ci submit}: uploads the committed config as a run request. */
@Command(
    name = "submit",
    mixinStandardHelpOptions = true,
    header = "Validate the committed config and hand it to the agent through the store.",
    description = {
      "Validate config/config.env and upload it with request.json under requests/<commit>/ in",
      "CAIRN_STORE. Idempotent: a retried job does not start a second run; --rerun asks for one."
    })
final class CiSubmitCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      defaultValue = "config/config.env",
      description = "Default: ${DEFAULT-VALUE}.")
  Path config;

  @Mixin TemplatesOption templates;

  @Option(names = "--commit", paramLabel = "SHA", description = "Default: CI_COMMIT_SHA.")
  @Nullable String commit;

  @Option(names = "--branch", paramLabel = "NAME", description = "Default: CI_COMMIT_BRANCH.")
  @Nullable String branch;

  @Option(
      names = "--rerun",
      description = "Ask for a new attempt of a commit that was submitted before.")
  boolean rerun;

  @Option(
      names = "--dotenv",
      paramLabel = "FILE",
      defaultValue = "cairn-submit.env",
      description =
          "Where to hand the attempt on to `ci await` (a dotenv report; default: ${DEFAULT-VALUE}).")
  Path dotenv;

  @Option(
      names = "--settings",
      paramLabel = "FILE",
      description =
          "Agent-style settings file for CAIRN_STORE and the credential variable names (the environment wins).")
  @Nullable Path settingsFile;

  @Override
  public Integer call() throws Exception {
    return CiSubmit.submit(
        spec.commandLine().getOut(),
        new CiSubmit.Options(config, commit, branch, rerun, dotenv, settingsFile),
        templates.load());
  }
}
