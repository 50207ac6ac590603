package dev.cairn.cli;

import java.time.Clock;
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
  /** How long a SIGTERM waits for the step in progress (a push, an upload) before interrupting. */
  private static final long STEP_GRACE_MILLIS = 20_000;

  @Mixin CommonOptions common;

  @Option(names = "--once", description = "Run one tick and exit (for cron-style use and checks).")
  boolean once;

  @Option(names = "--until-idle", description = "Exit once no run is active.")
  boolean untilIdle;

  @Override
  public Integer call() throws Exception {
    var settings = common.load(System.getenv());
    try (Wiring wiring = new Wiring(settings, Clock.systemUTC())) {
      Thread main = Thread.currentThread();
      Thread hook =
          new Thread(
              () -> {
                Main.shuttingDown = true;
                // the loop stops after its current step; an interrupt only if that step hangs
                wiring.agent.stop();
                try {
                  main.join(STEP_GRACE_MILLIS);
                  if (main.isAlive()) {
                    main.interrupt();
                    main.join(5_000);
                  }
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              },
              "cairn-shutdown");
      Runtime.getRuntime().addShutdownHook(hook);
      boolean stopped = false;
      try {
        if (once) {
          wiring.agent.tick();
        } else {
          wiring.agent.loop(untilIdle);
        }
      } catch (InterruptedException e) {
        // the shutdown hook stopped the loop: fall through, close the parts, let the JVM exit
        stopped = true;
      }
      if (!stopped && !Main.shuttingDown) {
        try {
          Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
          stopped = true; // the shutdown began as the loop ended
        }
      }
      if (stopped || Main.shuttingDown) {
        org.slf4j.LoggerFactory.getLogger(RunCommand.class)
            .info("agent stopped; runs resume on the next start");
      }
    }
    return 0;
  }
}
