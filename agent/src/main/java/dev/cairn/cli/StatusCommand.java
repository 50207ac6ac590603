package dev.cairn.cli;

import dev.cairn.CairnException;
import dev.cairn.Json;
import dev.cairn.publish.RunStatus;
import dev.cairn.store.ObjectStore;
import dev.cairn.trigger.RunRequest;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code agent.jar status COMMIT}: a run's status as CI sees it. */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description = "Print the status of the run of a commit (runs/<commit>/status.json).")
final class StatusCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin CommonOptions common;

  @Parameters(paramLabel = "COMMIT", description = "The config commit (full sha).")
  String commit;

  @Option(names = "--json", description = "Print status.json as it is.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    var settings = common.load(System.getenv());
    try (ObjectStore store = Wiring.openStore(settings)) {
      var object = store.get(RunRequest.statusKey(commit));
      if (object.isEmpty()) {
        throw new CairnException(
            "no run for commit "
                + commit
                + " in "
                + store.describe()
                + "; check the sha (git rev-parse HEAD) or whether CI submitted it");
      }
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        out.println(object.get().text());
        return 0;
      }
      RunStatus status = Json.MAPPER.readValue(object.get().content(), RunStatus.class);
      out.println(Table.render(status));
      return switch (status.state()) {
        case SUCCEEDED -> 0;
        case FAILED, REJECTED, CANCELLED -> 1;
        default -> 0;
      };
    }
  }
}
