package dev.cairn.cli;

import dev.cairn.CairnException;
import dev.cairn.RemoteFailureException;
import dev.cairn.RunFailedException;
import dev.cairn.Version;
import dev.cairn.daemon.StopOnShutdown;
import java.io.PrintStream;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** {@code java -jar agent.jar}: the agent daemon and its tools. */
@Command(
    name = "agent.jar",
    mixinStandardHelpOptions = true,
    versionProvider = Main.VersionProvider.class,
    header = "Cairn: run ML experiments on HPC clusters from Git commits.",
    subcommands = {
      RunCommand.class,
      DemoCommand.class,
      RenderCommand.class,
      PreflightCommand.class,
      StatusCommand.class,
      PullCommand.class,
      ReproduceCommand.class,
      RerunStageCommand.class,
      CancelCommand.class,
      RunsCommand.class,
      CompareCommand.class,
      LogsCommand.class,
      CiCommand.class,
      VersionCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Main implements Runnable {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  /** {@code --verbose} anywhere on the command line: set while picocli parses, before running. */
  private volatile boolean verbose;

  @Option(
      names = "--verbose",
      scope = ScopeType.INHERIT,
      description = "Debug logging, and stack traces with errors.")
  void verbose(boolean on) {
    verbose = on;
  }

  /** Whether the command line of {@code command} asked for {@code --verbose}. */
  static boolean isVerbose(picocli.CommandLine.Model.CommandSpec command) {
    return command.root().userObject() instanceof Main main && main.verbose;
  }

  public static void main(String[] args) {
    int code = run(args, System.out, System.err);
    if (!StopOnShutdown.shuttingDown()) {
      System.exit(code);
    }
  }

  /**
   * Runs the command line; returns the exit code: 0 success, 1 a run or job failed (or the command
   * itself broke), 2 bad usage, config or settings.
   */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    if (args.length == 0) {
      args = new String[] {"run"};
    }
    Main main = new Main();
    CommandLine cli = new CommandLine(main);
    HelpPages.apply(cli);
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    cli.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          if (e instanceof InterruptedException) {
            Thread.currentThread().interrupt();
            err.println("cairn: interrupted");
          } else if (e instanceof CairnException) {
            err.println("cairn: " + e.getMessage());
          } else {
            err.println("cairn: " + e + (main.verbose ? "" : " (run with --verbose for details)"));
          }
          if (main.verbose && !(e instanceof InterruptedException)) {
            e.printStackTrace(err);
          }
          return exitCode(e);
        });
    cli.setParameterExceptionHandler(
        (e, a) -> {
          err.println("cairn: " + e.getMessage());
          err.println("Try '" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help'.");
          return 2;
        });
    return cli.execute(args);
  }

  /**
   * The one place that maps what went wrong to how the process ends: 1 when a run or job failed, a
   * remote failed or the command itself broke (an unexpected exception, an interrupt); 2 for bad
   * usage, config or settings, something named that does not exist, or a refused request.
   */
  static int exitCode(Throwable e) {
    if (e instanceof RunFailedException || e instanceof RemoteFailureException) {
      return 1;
    }
    if (e instanceof CairnException) {
      // ConfigError, NotFoundException, RefusedException and plain bad input
      return 2;
    }
    return 1;
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Prints the version for {@code --version}. */
  static final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"cairn agent " + Version.get()};
    }
  }
}
