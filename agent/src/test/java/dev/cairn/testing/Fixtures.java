package dev.cairn.testing;

import dev.cairn.config.TaskDefinition;
import dev.cairn.render.TemplateSet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Shared test inputs: the project's own templates and config, found from the module folder. */
public final class Fixtures {
  private Fixtures() {}

  /** The repository root (the agent module's parent). */
  public static Path projectDir() {
    String prop = System.getProperty("cairn.projectDir");
    if (prop != null) {
      return Path.of(prop).toAbsolutePath().normalize();
    }
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.isRegularFile(dir.resolve("templates/job.sh.peb"))) {
      dir = dir.getParent();
    }
    if (dir == null) {
      throw new IllegalStateException(
          "cannot find the project's templates/ from the working directory");
    }
    return dir;
  }

  public static TemplateSet templates() {
    return TemplateSet.fromDirectory(projectDir().resolve("templates"));
  }

  public static List<TaskDefinition> tasks() {
    return templates().tasks();
  }

  public static byte[] committedConfig() throws java.io.IOException {
    return Files.readAllBytes(projectDir().resolve("config/config.env"));
  }

  /**
   * A copy of the project's templates under {@code dir} whose demo trainer spends at least {@code
   * seconds} on each epoch ({@code --min-epoch-seconds}), so that a test sees trials mid-training
   * (early stopping reads their logs as they grow). Only the demo trainer's command lines change.
   */
  public static Path slowDemoTemplates(Path dir, double seconds) throws java.io.IOException {
    copyTree(projectDir().resolve("templates"), dir);
    String option = "--min-epoch-seconds " + seconds + " --output-dir {{ job.output_dir }}";
    try (java.util.stream.Stream<Path> tasks = Files.list(dir.resolve("tasks"))) {
      for (Path task : tasks.filter(p -> p.toString().endsWith(".peb")).toList()) {
        String text = Files.readString(task);
        if (!text.contains("--output-dir {{ job.output_dir }}")) {
          throw new IllegalStateException(task + " no longer runs the demo trainer as expected");
        }
        Files.writeString(task, text.replace("--output-dir {{ job.output_dir }}", option));
      }
    }
    return dir;
  }

  /** Copies a folder tree, as a researcher copies the project's config/ and templates/. */
  public static void copyTree(Path from, Path to) throws java.io.IOException {
    try (java.util.stream.Stream<Path> files = Files.walk(from)) {
      for (Path p : files.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
  }

  /** Runs native git in a folder; fails the test with git's output when it fails. */
  public static String git(Path dir, String... args)
      throws java.io.IOException, InterruptedException {
    List<String> cmd = new java.util.ArrayList<>(List.of("git"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    String out =
        new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    if (!p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new AssertionError(String.join(" ", cmd) + " failed:\n" + out);
    }
    return out;
  }
}
