package dev.cairn.demo;

import dev.cairn.Bundled;
import dev.cairn.agent.Run;
import dev.cairn.config.AgentSettings;
import dev.cairn.daemon.Wiring;
import dev.cairn.model.RunRequest;
import dev.cairn.model.RunState;
import dev.cairn.model.RunStatus;
import dev.cairn.results.ConfigFiles;
import dev.cairn.results.Table;
import dev.cairn.store.FileObjectStore;
import dev.cairn.trigger.RequestQueue;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.revwalk.RevCommit;
import org.jspecify.annotations.Nullable;

/**
 * The demo: the whole loop on one machine, with a folder as object store, local processes as
 * scheduler and a bare repository as the Git remote. Seeds the remote, submits its config as CI
 * would, runs the agent until the run ends and prints the results and the next steps.
 */
public final class Demo {
  private Demo() {}

  /**
   * Runs the demo in {@code workspace} (a new folder; null for demo-workspace-TIME here) with
   * {@code config} (null for the project's); true when its run succeeded.
   */
  public static boolean run(PrintWriter out, @Nullable Path workspace, @Nullable Path config)
      throws IOException, GitAPIException, InterruptedException {
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

    byte[] committed = Files.readAllBytes(ws.researcher.resolve("config/config.env"));
    RunRequest request =
        new RunRequest(
            seed.getName(),
            "main",
            "demo",
            seed.getAuthorIdent().getName(),
            seed.getShortMessage(),
            Clock.systemUTC().instant().toString(),
            dev.cairn.config.ExperimentConfig.sha256(committed),
            1,
            null);
    try (FileObjectStore store = new FileObjectStore(ws.store)) {
      RequestQueue.submit(store, request, committed);
    }
    out.println(
        "  submitted      requests/" + seed.getName() + "/ (as `agent.jar ci submit` does)");
    out.flush();

    // the settings file the follow-up commands use; the process environment does not change it
    AgentSettings settings =
        AgentSettings.load(ws.writeSettings(), Map.of("HOME", System.getProperty("user.home")));
    Run run;
    try (Wiring wiring = Wiring.open(settings, Clock.systemUTC())) {
      wiring.start();
      wiring.agent().loop(true);
      run =
          wiring.agent().runs().values().stream()
              .filter(r -> r.commit().equals(seed.getName()))
              .findFirst()
              .orElseThrow();
    }
    out.println();
    out.println(Table.render(RunStatus.of(run.snapshot(null))));
    Path runDir = Path.of(run.runDir());
    if (run.resultsCommit() != null) {
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
    return run.state() == RunState.SUCCEEDED;
  }
}
