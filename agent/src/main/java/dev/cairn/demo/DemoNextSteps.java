package dev.cairn.demo;

import dev.cairn.agent.Run;
import dev.cairn.render.ShellQuote;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The commands the demo suggests after its run, spelled so that each works as printed from any
 * folder: the running agent.jar by its absolute path, and the demo's settings file.
 */
public final class DemoNextSteps {
  private DemoNextSteps() {}

  public static List<String> commands(DemoWorkspace ws, Run run) {
    String agent = agentCommand();
    String settings = " --settings " + ShellQuote.quote(ws.settings.toString());
    String sha = run.commit().substring(0, 8);
    List<String> commands = new ArrayList<>();
    commands.add(agent + " status" + settings);
    commands.add(agent + " status " + sha + settings);
    if (!run.jobs().isEmpty()) {
      commands.add(
          agent + " logs " + sha + " " + run.jobs().get(0).task() + " --lines 5" + settings);
    }
    if (run.resultsCommit() != null) {
      String results = run.resultsCommit().substring(0, 12);
      Path repro = ws.root.resolve("repro");
      String q = ShellQuote.quote(repro.toString());
      commands.add(
          "git clone -q "
              + ShellQuote.quote(ws.origin.toUri().toString())
              + " "
              + q
              + " && git -C "
              + q
              + " checkout -q "
              + results
              + " && "
              + agent
              + " pull --repo "
              + q);
      commands.add(agent + " reproduce " + results + " --repo " + q + settings);
      commands.add(agent + " run --until-idle" + settings);
    }
    return commands;
  }

  /** {@code java -jar /abs/agent.jar}, or its class path where the agent runs from classes. */
  public static String agentCommand() {
    String java = javaCommand();
    try {
      Path location =
          Path.of(DemoNextSteps.class.getProtectionDomain().getCodeSource().getLocation().toURI())
              .toAbsolutePath();
      if (Files.isRegularFile(location) && location.toString().endsWith(".jar")) {
        return java + " -jar " + ShellQuote.quote(location.toString());
      }
    } catch (URISyntaxException | SecurityException | NullPointerException e) {
      // fall through to the class path
    }
    return java
        + " -cp "
        + ShellQuote.quote(System.getProperty("java.class.path"))
        + " "
        + " dev.cairn.cli.Main";
  }

  /** {@code java} where the PATH finds this Java, else this Java's absolute path. */
  public static String javaCommand() {
    Path running = Path.of(System.getProperty("java.home"), "bin", "java");
    String path = System.getenv("PATH");
    for (String dir : path == null ? new String[0] : path.split(":")) {
      Path candidate = Path.of(dir.isEmpty() ? "." : dir, "java");
      try {
        if (Files.isExecutable(candidate)) {
          return candidate.toRealPath().equals(running.toRealPath())
              ? "java"
              : ShellQuote.quote(running.toString());
        }
      } catch (java.io.IOException e) {
        // unreadable: go on with the next folder
      }
    }
    return ShellQuote.quote(running.toString());
  }
}
