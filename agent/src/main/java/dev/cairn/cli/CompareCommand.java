package dev.cairn.cli;

import dev.cairn.CairnException;
import dev.cairn.Json;
import dev.cairn.report.Comparisons;
import dev.cairn.report.MarkdownWriter;
import dev.cairn.report.RunHistory;
import dev.cairn.report.RunReport;
import dev.cairn.report.TextWriter;
import dev.cairn.results.BranchRuns;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code agent.jar compare A B...}: runs side by side, from their results commits in Git. */
@Command(
    name = "compare",
    mixinStandardHelpOptions = true,
    header = "Compare runs of a branch side by side, read from their results commits in Git.",
    description = {
      "Each task's leaderboard over all their trials, then each run's metric and parameter changes",
      "from the first. A run is named by its run id, config commit or results commit (a unique",
      "prefix will do); one run alone is compared with its baseline: the run --baseline names,",
      "else the last successful run before it on the branch, else none (its own results only)."
    })
final class CompareCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(
      paramLabel = "RUN",
      arity = "1..*",
      description = "Runs to compare, the first being the reference.")
  List<String> names = new ArrayList<>();

  @Option(
      names = "--baseline",
      paramLabel = "RUN",
      description =
          "The run to compare a single RUN with (default: the last successful one before it).")
  @Nullable String baseline;

  @Mixin BranchOptions where;

  @ArgGroup(exclusive = true)
  RunsCommand.OutputFormat format = new RunsCommand.OutputFormat();

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    BranchRuns branchRuns = where.load();
    List<RunReport> runs = new ArrayList<>();
    for (String name : names) {
      RunReport run = branchRuns.find(name);
      if (runs.contains(run)) {
        throw new CairnException(
            "'" + name + "' names " + run.runId() + " a second time; name each run once");
      }
      runs.add(run);
    }
    if (baseline != null) {
      if (runs.size() > 1) {
        throw new CairnException(
            "--baseline goes with one RUN; with several, the first is the reference");
      }
      RunReport named = branchRuns.find(baseline);
      if (named.equals(runs.get(0))) {
        throw new CairnException("--baseline names " + named.runId() + " itself; name another run");
      }
      runs.add(0, named);
    } else if (runs.size() == 1) {
      RunReport before = RunHistory.baselineOf(runs.get(0), branchRuns.runs());
      if (before != null) {
        runs.add(0, before);
      }
    }
    if (format.json) {
      out.println(Json.MAPPER.writeValueAsString(Comparisons.compareData(runs)));
    } else {
      var doc = Comparisons.compare(runs);
      out.print(format.md ? MarkdownWriter.write(doc) : TextWriter.write(doc));
    }
    out.flush();
    return 0;
  }
}
