package dev.cairn.cli;

import dev.cairn.CairnException;
import dev.cairn.Json;
import dev.cairn.report.Comparisons;
import dev.cairn.report.MarkdownWriter;
import dev.cairn.report.RunHistory;
import dev.cairn.report.RunReport;
import dev.cairn.report.TextWriter;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
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
      "prefix will do); one run alone is compared with its baseline."
    })
final class CompareCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(
      paramLabel = "RUN",
      arity = "1..*",
      description = "Runs to compare, the first being the reference.")
  List<String> names = new ArrayList<>();

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
    if (runs.size() == 1) {
      RunReport baseline = RunHistory.baselineOf(runs.get(0), branchRuns.runs());
      if (baseline == null) {
        throw new CairnException(
            runs.get(0).runId()
                + " has no baseline on branch "
                + branchRuns.branch()
                + "; name a second run to compare it with");
      }
      runs.add(0, baseline);
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
