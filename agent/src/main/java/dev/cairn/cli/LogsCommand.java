package dev.cairn.cli;

import dev.cairn.CairnException;
import dev.cairn.NotFoundException;
import dev.cairn.config.AgentSettings;
import dev.cairn.plan.RunPlan;
import dev.cairn.results.RunLookup;
import dev.cairn.results.Stores;
import dev.cairn.store.ObjectStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
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
  String task;

  @Option(
      names = {"-n", "--lines"},
      paramLabel = "N",
      defaultValue = "40",
      description = "Lines from the end of each file (default: ${DEFAULT-VALUE}).")
  int lines;

  @Override
  public Integer call() throws Exception {
    AgentSettings settings = common.load(System.getenv());
    Path runs = settings.workDir().resolve("runs");
    String runId = run;
    String folder = run;
    if (!Files.isDirectory(runs.resolve(run)) || run.contains("/") || run.startsWith(".")) {
      try (ObjectStore store = Stores.open(settings)) {
        RunLookup.Found found = new RunLookup(store).find(run);
        if (found.status() == null) {
          throw new CairnException(
              "commit " + found.commit() + " has not been picked up by an agent yet; no output");
        }
        runId = found.status().runId();
        folder = RunPlan.key(found.commit(), found.status().attempt());
      }
    }
    Path dir = runs.resolve(folder);
    if (!Files.isDirectory(dir) && Files.isDirectory(runs.resolve(runId))) {
      // a run folder from an agent that named its folders by run id
      dir = runs.resolve(runId);
    }
    if (!Files.isDirectory(dir)) {
      throw new NotFoundException(
          "no run folder "
              + dir
              + " on this machine; run `logs` where the agent runs, with its --settings");
    }
    List<Path> files = new ArrayList<>();
    for (String kind : new String[] {"out", "err"}) {
      Path outputs = dir.resolve(kind);
      if (!Files.isDirectory(outputs)) {
        continue;
      }
      try (Stream<Path> walk = Files.walk(outputs)) {
        walk.filter(Files::isRegularFile)
            .filter(f -> task == null || f.getFileName().toString().startsWith(task + "."))
            .sorted()
            .forEach(files::add);
      }
    }
    if (files.isEmpty()) {
      throw new CairnException(
          "run "
              + runId
              + " has no "
              + (task == null ? "" : task + " ")
              + "output in "
              + dir
              + " yet"
              + (task == null
                  ? ""
                  : "; check the task's name with `agent.jar status " + run + "`"));
    }
    PrintWriter out = spec.commandLine().getOut();
    for (Path f : files) {
      out.println("==> " + f + " <==");
      out.print(tail(f, lines));
      out.println();
    }
    out.flush();
    return 0;
  }

  /** The last {@code n} lines of a file, reading at most its last 1 MiB. */
  static String tail(Path file, int n) throws IOException {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
      long size = f.length();
      long from = Math.max(0, size - (1 << 20));
      byte[] bytes = new byte[(int) (size - from)];
      f.seek(from);
      f.readFully(bytes);
      List<String> all = new String(bytes, StandardCharsets.UTF_8).lines().toList();
      return String.join("\n", all.subList(Math.max(0, all.size() - n), all.size()))
          + (all.isEmpty() ? "" : "\n");
    }
  }
}
