package dev.cairn.results;

import dev.cairn.CairnException;
import dev.cairn.NotFoundException;
import dev.cairn.config.AgentSettings;
import dev.cairn.plan.RunPlan;
import dev.cairn.store.ObjectStore;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/** A run's job output (out and err) in the agent's run folder, found from its id or commit. */
public final class RunLogs {
  private RunLogs() {}

  /**
   * The out and err files of {@code run} (a run id, a config commit or a unique prefix) in the
   * agent's run folder on this machine, of {@code task} only where it is not null, in name order.
   */
  public static List<Path> files(AgentSettings settings, String run, @Nullable String task)
      throws IOException {
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
    return files;
  }

  /** The last {@code n} lines of a file, reading at most its last 1 MiB. */
  public static String tail(Path file, int n) throws IOException {
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
