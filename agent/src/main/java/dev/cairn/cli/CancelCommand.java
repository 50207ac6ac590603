package dev.cairn.cli;

import dev.cairn.Json;
import dev.cairn.store.ObjectStore;
import dev.cairn.trigger.RunRequest;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code agent.jar cancel COMMIT}: asks the agent to stop a commit's run. */
@Command(
    name = "cancel",
    mixinStandardHelpOptions = true,
    description = {
      "Ask the agent to cancel the run of a commit: it cancels the run's jobs on the scheduler on",
      "its next tick and the run ends CANCELLED with the reason."
    })
final class CancelCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin CommonOptions common;

  @Parameters(paramLabel = "COMMIT", description = "The config commit (full sha).")
  String commit;

  @Option(names = "--reason", paramLabel = "TEXT", description = "Why, for the run's status.")
  String reason;

  @Override
  public Integer call() throws Exception {
    var settings = common.load(System.getenv());
    Map<String, String> request = new LinkedHashMap<>();
    request.put("by", System.getProperty("user.name"));
    request.put("reason", reason == null ? "" : reason);
    request.put("at", Clock.systemUTC().instant().toString());
    try (ObjectStore store = Wiring.openStore(settings)) {
      store.put(RunRequest.cancelKey(commit), Json.MAPPER.writeValueAsBytes(request));
      PrintWriter out = spec.commandLine().getOut();
      out.printf(
          "asked the agent to cancel the run of %s; follow it with: agent.jar status %s%n",
          commit, commit);
      out.flush();
    }
    return 0;
  }
}
