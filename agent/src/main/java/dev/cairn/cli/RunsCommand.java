package dev.cairn.cli;

import dev.cairn.Json;
import dev.cairn.report.Comparisons;
import dev.cairn.report.MarkdownWriter;
import dev.cairn.report.TextWriter;
import dev.cairn.results.BranchRuns;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code agent.jar runs}: the runs of a branch, from its results commits in Git. */
@Command(
    name = "runs",
    mixinStandardHelpOptions = true,
    header = "List the runs on a branch, read from its results commits in Git.",
    description = {
      "Each with its config and results commits, state, each task's headline metric and the cost,",
      "from results/*/run.json; no store or credentials needed."
    })
final class RunsCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin BranchOptions where;

  @ArgGroup(exclusive = true)
  OutputFormat format = new OutputFormat();

  /** --json or --md; plain text when neither. */
  static final class OutputFormat {
    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Option(names = "--md", description = "Print a Markdown table.")
    boolean md;
  }

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    BranchRuns runs = where.load();
    if (format.json) {
      out.println(Json.MAPPER.writeValueAsString(Comparisons.runsData(runs.runs())));
    } else if (runs.runs().isEmpty()) {
      out.println("no runs on branch " + runs.branch() + " of " + runs.where());
    } else {
      var doc = Comparisons.runs(runs.branch(), runs.runs());
      out.print(format.md ? MarkdownWriter.write(doc) : TextWriter.write(doc));
    }
    out.flush();
    return 0;
  }
}
