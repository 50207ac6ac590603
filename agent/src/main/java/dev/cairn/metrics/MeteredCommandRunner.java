package dev.cairn.metrics;

import dev.cairn.scheduler.CommandRunner;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A {@link CommandRunner} that counts scheduler commands by name ({@code sbatch}, {@code squeue},
 * {@code bjobs}...) and outcome ({@code ok}, {@code exit_nonzero}, {@code timeout}, {@code error}),
 * and times them; the commands run in the runner it wraps.
 */
public final class MeteredCommandRunner implements CommandRunner {
  private final CommandRunner runner;
  private final Metrics metrics;

  public MeteredCommandRunner(CommandRunner runner, Metrics metrics) {
    this.runner = runner;
    this.metrics = metrics;
  }

  @Override
  public Result run(Call call) throws IOException, InterruptedException {
    List<String> command = call.command();
    // the program's file name only: a bounded label whatever folder it is called from
    Path program = Path.of(command.get(0)).getFileName();
    String name = program == null ? command.get(0) : program.toString();
    long start = System.nanoTime();
    String outcome = "error";
    try {
      Result result = runner.run(call);
      outcome = result.ok() ? "ok" : result.exitCode() == 124 ? "timeout" : "exit_nonzero";
      return result;
    } finally {
      metrics.command(name, outcome, start);
    }
  }
}
