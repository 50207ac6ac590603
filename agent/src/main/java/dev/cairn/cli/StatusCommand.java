package dev.cairn.cli;

import dev.cairn.CairnException;
import dev.cairn.Json;
import dev.cairn.model.RunRequest;
import dev.cairn.model.RunStatus;
import dev.cairn.model.StoreKeys;
import dev.cairn.results.RunList;
import dev.cairn.results.RunLookup;
import dev.cairn.results.Stores;
import dev.cairn.results.Table;
import dev.cairn.results.WaitingAttempts;
import dev.cairn.store.ObjectStore;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code agent.jar status [RUN]}: the runs in the store, or one run's status as CI sees it. */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    header = "List the runs, or print the status of one run as CI sees it.",
    description = {
      "Without RUN: the active runs and the latest ended ones (runs/*/status.json).",
      "With RUN (a run id, a commit or a unique prefix of one): that run's status and jobs."
    })
final class StatusCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin CommonOptions common;

  @Parameters(
      paramLabel = "RUN",
      arity = "0..1",
      description = "A run id, a config commit or a unique prefix of one (such as 74e2f8e9).")
  @Nullable String run;

  @Option(names = "--json", description = "Print status.json as it is.")
  boolean json;

  @Option(
      names = "--recent",
      paramLabel = "N",
      defaultValue = "20",
      description = "Ended runs to list without RUN (default: ${DEFAULT-VALUE}).")
  int recent;

  @Override
  public Integer call() throws Exception {
    var settings = common.load(System.getenv());
    PrintWriter out = spec.commandLine().getOut();
    try (ObjectStore store = Stores.open(settings)) {
      RunLookup lookup = new RunLookup(store);
      if (run == null) {
        var runs = lookup.all();
        if (json) {
          out.println(Json.MAPPER.writeValueAsString(runs));
        } else {
          Map<String, RunStatus> byCommit = new HashMap<>();
          runs.stream().filter(s -> s.commit() != null).forEach(s -> byCommit.put(s.commit(), s));
          var waiting = WaitingAttempts.of(store, byCommit);
          out.println(RunList.render(runs, recent, Instant.now()));
          for (WaitingAttempts.Waiting w : waiting) {
            out.println(w.line());
          }
        }
        out.flush();
        return 0;
      }
      RunLookup.Found found = lookup.find(run);
      if (found.status() == null) {
        throw new CairnException(
            "commit "
                + found.commit()
                + " is submitted but no agent has picked it up yet; is the agent running"
                + " (`agent.jar run --settings ...`) on the same CAIRN_STORE?");
      }
      RunStatus status = found.status();
      out.println(
          json
              ? store
                  .get(StoreKeys.statusKey(found.commit()), RunRequest.MAX_STATUS_BYTES)
                  .orElseThrow()
                  .text()
              : Table.render(status));
      if (!json) {
        for (WaitingAttempts.Waiting w :
            WaitingAttempts.of(store, Map.of(found.commit(), status))) {
          if (w.commit().equals(found.commit())) {
            out.println(w.line());
          }
        }
      }
      out.flush();
      return switch (status.state()) {
        case FAILED, REJECTED, CANCELLED -> 1;
        default -> 0;
      };
    }
  }
}
