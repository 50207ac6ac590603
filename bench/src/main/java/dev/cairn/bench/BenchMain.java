package dev.cairn.bench;

import dev.cairn.CairnException;
import picocli.CommandLine;

/** {@code java -jar cairn-bench.jar}: the entry point of the benchmarks' jar. */
public final class BenchMain {
  private BenchMain() {}

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs one bench; a problem is one line on stderr: exit 2 for bad input, else 1. */
  static int run(String[] args) {
    CommandLine cli = new CommandLine(new BenchCommand());
    cli.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          commandLine
              .getErr()
              .println("cairn-bench: " + (e instanceof CairnException ? e.getMessage() : e));
          return e instanceof IllegalArgumentException || e instanceof CairnException ? 2 : 1;
        });
    return cli.execute(args);
  }
}
