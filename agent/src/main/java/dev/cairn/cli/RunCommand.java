package dev.cairn.cli;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code agent.jar run}: the daemon on the login node. */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = {
      "Run the agent: watch the object store for run requests, submit and watch their jobs,",
      "publish their results. Stops cleanly on SIGTERM or Ctrl-C; restart it any time."
    })
final class RunCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Option(names = "--once", description = "Run one tick and exit (for cron-style use and checks).")
  boolean once;

  @Option(names = "--until-idle", description = "Exit once no run is active.")
  boolean untilIdle;

  @Override
  public Integer call() throws Exception {
    var settings = common.load(System.getenv());
    try (Wiring wiring = new Wiring(settings, Clock.systemUTC());
        StopOnShutdown stop = new StopOnShutdown(Thread.currentThread(), Duration.ofSeconds(30))) {
      if (once) {
        wiring.agent.tick();
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
}
