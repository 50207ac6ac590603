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
      throw new IllegalStateException("cannot find the project's templates/ from the working directory");
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
}
