package dev.cairn.cli;

import dev.cairn.CairnException;
import dev.cairn.RefusedException;
import dev.cairn.agent.Run;
import dev.cairn.daemon.StateLock;
import dev.cairn.daemon.StopOnShutdown;
import dev.cairn.daemon.Wiring;
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

  /** How long a SIGTERM waits for the step in progress (a push, an upload) before interrupting. */
  private static final Duration STEP_GRACE = Duration.ofSeconds(20);

  @Mixin CommonOptions common;

  /** What {@code java -jar agent.jar} says with neither --settings nor CAIRN_STORE. */
  static final String NO_SETTINGS =
      "no agent settings: try the whole loop on this machine with `java -jar agent.jar demo`;"
          + " run the agent with `java -jar agent.jar run --settings agent.env` (a copy of"
          + " config/agent.env.example); `java -jar agent.jar --help` lists the commands";

  @Option(names = "--once", description = "Run one tick and exit (for cron-style use and checks).")
  boolean once;

  @Option(names = "--until-idle", description = "Exit once no run is active.")
  boolean untilIdle;

  @Override
  public Integer call() throws Exception {
    if (common.settings == null && System.getenv("CAIRN_STORE") == null) {
      throw new CairnException(NO_SETTINGS);
    }
    var settings = common.load(System.getenv());
    StateLock lock = StateLock.tryAcquire(settings.stateDir());
    if (lock == null) {
      String who = StateLock.holder(settings.stateDir());
      if (once) {
        // cron or scrontab started this tick while the last one (or the daemon) still works
        spec.commandLine()
            .getOut()
            .printf(
                "another agent (%s) holds %s; this tick is skipped%n",
                who, settings.stateDir().resolve(StateLock.FILE));
        spec.commandLine().getOut().flush();
        return 0;
      }
      throw new RefusedException(
          "another agent ("
              + who
              + ") works on CAIRN_STATE_DIR "
              + settings.stateDir()
              + "; stop it first, or give this one a CAIRN_STATE_DIR of its own");
    }
    boolean stopped = false;
    try (lock;
        Wiring wiring = Wiring.open(settings, Clock.systemUTC());
        StatusServer http = wiring.serveHttp();
        StopOnShutdown stop =
            new StopOnShutdown(Thread.currentThread(), wiring.agent()::stop, STEP_GRACE)) {
      wiring.start();
      if (once) {
        wiring.agent().tick();
        printRuns(wiring.agent().runs().values());
      } else {
        wiring.agent().loop(untilIdle);
      }
    } catch (InterruptedException e) {
      // the shutdown hook stopped the loop: the parts are closed, let the JVM exit
      stopped = true;
    }
    if (stopped || StopOnShutdown.shuttingDown()) {
      // also when the SIGTERM came as a --until-idle run ended its last step
      org.slf4j.LoggerFactory.getLogger(RunCommand.class)
          .info("agent stopped; runs resume on the next start");
    }
    return 0;
  }

  /** What one tick leaves: every run that is still active, and how many ended. */
  private void printRuns(Collection<Run> runs) {
    PrintWriter out = spec.commandLine().getOut();
    List<Run> active = runs.stream().filter(r -> !r.state().isTerminal()).toList();
    out.printf("one tick done: %d run(s) on record, %d active%n", runs.size(), active.size());
    for (Run r : active) {
      out.printf("  %s  %s  %s%n", r.runId(), r.state(), r.message() == null ? "" : r.message());
    }
    out.flush();
  }
}
