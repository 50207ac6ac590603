package dev.cairn.cli;

import dev.cairn.agent.Run;
import dev.cairn.metrics.StatusServer;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code agent.jar run}: the daemon on the login node. */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    header = "Run the agent daemon (the default command).",
    description = {
      "Run the agent: watch the object store for run requests, submit and watch their jobs,",
      "publish their results. Stops cleanly on SIGTERM or Ctrl-C; restart it any time."
    })
final class RunCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin CommonOptions common;

  @Option(names = "--once", description = "Run one tick and exit (for cron-style use and checks).")
  boolean once;

  @Option(names = "--until-idle", description = "Exit once no run is active.")
  boolean untilIdle;

  @Override
  public Integer call() throws Exception {
    var settings = common.load(System.getenv());
    try (Wiring wiring = new Wiring(settings, Clock.systemUTC());
        StatusServer http = wiring.serveHttp();
        StopOnShutdown stop = new StopOnShutdown(Thread.currentThread(), Duration.ofSeconds(30))) {
      if (once) {
        wiring.agent.tick();
        printRuns(wiring.agent.runs().values());
      } else {
        wiring.agent.loop(untilIdle);
      }
    } catch (InterruptedException e) {
      // the shutdown hook interrupted the loop: the parts are closed, let the JVM exit
      org.slf4j.LoggerFactory.getLogger(RunCommand.class)
          .info("agent stopped; runs resume on the next start");
    }
    return 0;
  }

  /** What one tick leaves: every run that is still active, and how many ended. */
  private void printRuns(Collection<Run> runs) {
    PrintWriter out = spec.commandLine().getOut();
    List<Run> active = runs.stream().filter(r -> !r.state.isTerminal()).toList();
    out.printf("one tick done: %d run(s) on record, %d active%n", runs.size(), active.size());
    for (Run r : active) {
      out.printf("  %s  %s  %s%n", r.runId, r.state, r.message == null ? "" : r.message);
    }
    out.flush();
  }
}
