package dev.cairn.cli;

import dev.cairn.results.RunLogs;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code agent.jar logs RUN [TASK]}: the tail of a run's job output, on the agent's machine. */
@Command(
    name = "logs",
    mixinStandardHelpOptions = true,
    header = "Print the end of a run's job output (out and err) from the agent's run folder.",
    description = {
      "Reads CAIRN_WORK_DIR/runs/<commit>-a<attempt>/out and err on this machine: run it on the",
      "login node where the agent runs, with its settings."
    })
final class LogsCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin CommonOptions common;

  @Parameters(
      index = "0",
      paramLabel = "RUN",
      description = "A run id, a config commit or a unique prefix of one (such as 74e2f8e9).")
  String run;

  @Parameters(
      index = "1",
      paramLabel = "TASK",
      arity = "0..1",
      description = "Only this task's output (default: every task's).")
  @Nullable String task;

  @Option(
      names = {"-n", "--lines"},
      paramLabel = "N",
      defaultValue = "40",
      description = "Lines from the end of each file (default: ${DEFAULT-VALUE}).")
  int lines;

  @Override
  public Integer call() throws Exception {
    List<Path> files = RunLogs.files(common.load(System.getenv()), run, task);
    PrintWriter out = spec.commandLine().getOut();
    for (Path f : files) {
      out.println("==> " + f + " <==");
      out.print(RunLogs.tail(f, lines));
      out.println();
    }
    out.flush();
    return 0;
  }
}
