package dev.cairn.cli;

import dev.cairn.config.ExperimentConfig;
import dev.cairn.demo.DemoNextSteps;
import dev.cairn.model.RunRequest;
import dev.cairn.render.ShellQuote;
import dev.cairn.results.ResultsCommit;
import dev.cairn.results.Stores;
import dev.cairn.store.ObjectStore;
import dev.cairn.trigger.Submission;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code agent.jar reproduce RESULTS_COMMIT}: runs the config a results commit recorded again. */
@Command(
    name = "reproduce",
    mixinStandardHelpOptions = true,
    header = "Run the config a results commit recorded again, as a new attempt.",
    description = {
      "Submit the config recorded in a results commit again, as a new attempt of its config",
      "commit linked to the original run. Run it in a clone of the experiment repository."
    })
final class ReproduceCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin CommonOptions common;

  @Mixin ResultsCommitOptions commit;

  @Override
  public Integer call() throws Exception {
    ResultsCommit recorded = commit.read();
    var settings = common.load(System.getenv());
    PrintWriter out = spec.commandLine().getOut();
    try (ObjectStore store = Stores.open(settings)) {
      RunRequest asked =
          new RunRequest(
              recorded.configCommit(),
              recorded.branch(),
              "reproduce",
              System.getProperty("user.name"),
              "Reproduce " + recorded.runId(),
              Clock.systemUTC().instant().toString(),
              ExperimentConfig.sha256(recorded.config()),
              null,
              recorded.sha());
      // a new attempt of the config commit, as `ci submit --rerun`: same config, last attempt ended
      RunRequest request = Submission.submit(store, asked, recorded.config(), true).request();
      out.printf(
          "submitted attempt %d of config commit %s (reproducing %s, run %s)%n",
          request.attemptOrFirst(), recorded.configCommit(), recorded.sha(), recorded.runId());
      out.printf(
          "follow it with: %s status %s%s%n",
          DemoNextSteps.agentCommand(),
          recorded.configCommit().substring(0, 8),
          common.settings == null
              ? ""
              : " --settings " + ShellQuote.quote(common.settings.toAbsolutePath().toString()));
    }
    return 0;
  }
}
