package dev.cairn.cli;

import dev.cairn.demo.Demo;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code agent.jar demo}: the whole loop on one machine, with a folder as object store, local
 * processes as scheduler and a bare repository as the Git remote.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    header = "Run the whole GitOps loop on this machine, with nothing to set up.",
    description = {
      "Run the whole GitOps loop locally: seed a Git remote, submit its config as CI would, run the",
      "agent on the local scheduler until the run ends, and print the results."
    })
final class DemoCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  /** The demo writes its own settings (workspace/agent.env): it takes no --settings. */
  @Option(
      names = "--log-json",
      description = "Log one JSON object per line (also CAIRN_LOG_FORMAT=json).")
  boolean logJson;

  @Option(
      names = "--workspace",
      paramLabel = "DIR",
      description = "A new folder for the demo (default: demo-workspace-<time> here).")
  @Nullable Path workspace;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description =
          "Commit this config.env instead of the project's (a sweep, say). The demo sets"
              + " SCHEDULER=local and TRAINER=demo in it, whatever it says, and prints the keys"
              + " it overrode.")
  @Nullable Path config;

  @Override
  public Integer call() throws Exception {
    Logging.configure(
        logJson || "json".equals(System.getenv("CAIRN_LOG_FORMAT")), Main.isVerbose(spec));
    return Demo.run(spec.commandLine().getOut(), workspace, config) ? 0 : 1;
  }
}
