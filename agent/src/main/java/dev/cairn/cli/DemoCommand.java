package dev.cairn.cli;

import dev.cairn.Bundled;
import dev.cairn.agent.Run;
import dev.cairn.config.AgentSettings;
import dev.cairn.model.RunRequest;
import dev.cairn.model.RunState;
import dev.cairn.model.RunStatus;
import dev.cairn.store.FileObjectStore;
import dev.cairn.trigger.RequestQueue;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.concurrent.Callable;
import org.eclipse.jgit.revwalk.RevCommit;
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
  Path workspace;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description =
          "Commit this config.env instead of the project's (a sweep, say). The demo sets"
              + " SCHEDULER=local and TRAINER=demo in it, whatever it says, and prints the keys"
              + " it overrode.")
  Path config;

  @Override
  public Integer call() throws Exception {
    Logging.configure(
        logJson || "json".equals(System.getenv("CAIRN_LOG_FORMAT")), Main.isVerbose());
    PrintWriter out = spec.commandLine().getOut();
    Path root =
        workspace != null
            ? workspace
            : Path.of(
                "demo-workspace-"
                    + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
    DemoWorkspace ws = new DemoWorkspace(root);
    byte[] own = null;
    DemoConfig forced =
        DemoConfig.of(
            config != null
                ? ConfigFiles.read(config, "pass --config with the path of your config.env")
                : Files.readAllBytes(Bundled.path("config").resolve("config.env")));
    if (config != null || !forced.overridden().isEmpty()) {
      own = forced.content();
    }
    RevCommit seed = ws.create(own);
    out.println(forced.line());
    out.println("demo workspace " + ws.root);
    out.println("  object store   " + ws.store);
    out.println(
        "  Git remote     " + ws.origin + " (commit " + seed.getName().substring(0, 8) + ")");

    byte[] config = Files.readAllBytes(ws.researcher.resolve("config/config.env"));
    RunRequest request =
        new RunRequest(
            seed.getName(),
            "main",
            "demo",
            seed.getAuthorIdent().getName(),
            seed.getShortMessage(),
            Clock.systemUTC().instant().toString(),
            dev.cairn.config.ExperimentConfig.sha256(config),
            1,
            null);
    try (FileObjectStore store = new FileObjectStore(ws.store)) {
      RequestQueue.submit(store, request, config);
    }
    out.println(
        "  submitted      requests/" + seed.getName() + "/ (as `agent.jar ci submit` does)");
    out.flush();

    // the settings file the follow-up commands use; the process environment does not change it
    AgentSettings settings =
        AgentSettings.load(ws.writeSettings(), Map.of("HOME", System.getProperty("user.home")));
    Run run;
    try (Wiring wiring = new Wiring(settings, Clock.systemUTC())) {
      wiring.agent.loop(true);
      run =
          wiring.agent.runs().values().stream()
              .filter(r -> r.commit().equals(seed.getName()))
              .findFirst()
              .orElseThrow();
    }
    out.println();
    out.println(Table.render(RunStatus.of(run.snapshot(null))));
    Path runDir = Path.of(run.runDir);
    if (run.resultsCommit != null) {
      out.println("  pushed to    " + ws.origin + " (main), without starting a pipeline (ci.skip)");
    }
    out.println("outputs        " + runDir);
    out.println("  out          " + runDir.resolve("out"));
    out.println("  err          " + runDir.resolve("err"));
    out.println("  predictions  " + runDir.resolve("predictions"));
    out.println();
    out.println("Next, with the demo's settings (" + ws.settings + "), from any folder:");
    for (String command : DemoNextSteps.commands(ws, run)) {
      out.println("  $ " + command);
    }
    out.flush();
    return run.state() == RunState.SUCCEEDED ? 0 : 1;
  }
}
