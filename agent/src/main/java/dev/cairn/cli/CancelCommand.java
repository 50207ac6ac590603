package dev.cairn.cli;

import dev.cairn.Json;
import dev.cairn.model.RunRequest;
import dev.cairn.model.StoreKeys;
import dev.cairn.results.RunLookup;
import dev.cairn.results.Stores;
import dev.cairn.store.ObjectStore;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code agent.jar cancel RUN}: asks the agent to stop a run that has not ended. */
@Command(
    name = "cancel",
    mixinStandardHelpOptions = true,
    header = "Ask the agent to cancel a run that has not ended.",
    description = {
      "The agent cancels the run's jobs on the scheduler on its next tick and the run ends",
      "CANCELLED with the reason. A run that has already ended is left as it is."
    })
final class CancelCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin CommonOptions common;

  @Parameters(
      paramLabel = "RUN",
      description = "A run id, a config commit or a unique prefix of one (such as 74e2f8e9).")
  String run;

  @Option(names = "--reason", paramLabel = "TEXT", description = "Why, for the run's status.")
  @Nullable String reason;

  @Override
  public Integer call() throws Exception {
    var settings = common.load(System.getenv());
    PrintWriter out = spec.commandLine().getOut();
    try (ObjectStore store = Stores.open(settings)) {
      RunLookup.Found found = new RunLookup(store).find(run);
      String commit = found.commit();
      int attempt = requestedAttempt(store, commit);
      if (found.status() != null) {
        attempt = Math.max(attempt, found.status().attempt());
      }
      if (found.status() != null
          && found.status().state().isTerminal()
          && found.status().attempt() >= attempt) {
        out.printf(
            "run %s (commit %s) already ended %s; nothing to cancel%n",
            found.status().runId(), commit, found.status().state());
        out.flush();
        return 0;
      }
      Map<String, Object> request = new LinkedHashMap<>();
      request.put("by", System.getProperty("user.name"));
      request.put("reason", reason == null ? "" : reason);
      request.put("at", Clock.systemUTC().instant().toString());
      // the agent honours the request only for this attempt: a later rerun is not cancelled by it
      request.put("attempt", attempt);
      store.put(StoreKeys.cancelKey(commit), Json.MAPPER.writeValueAsBytes(request));
      out.printf(
          "asked the agent to cancel attempt %d of commit %s; follow it with: agent.jar status %s%n",
          attempt, commit, commit.substring(0, 8));
      out.flush();
    }
    return 0;
  }

  /** The latest attempt CI or {@code reproduce} asked for (1 when request.json says nothing). */
  private static int requestedAttempt(ObjectStore store, String commit) throws Exception {
    var request = store.get(StoreKeys.requestKey(commit), RunRequest.MAX_REQUEST_BYTES);
    if (request.isEmpty()) {
      return 1;
    }
    return Json.MAPPER.readValue(request.get().content(), RunRequest.class).attemptOrFirst();
  }
}
