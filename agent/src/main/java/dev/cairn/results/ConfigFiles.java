package dev.cairn.results;

import dev.cairn.CairnException;
import dev.cairn.render.TemplateSet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/** The config.env and templates a command reads from the working copy it is run in. */
public final class ConfigFiles {
  private ConfigFiles() {}

  /** The templates in {@code dir}, else in templates/ when present, else the bundled ones. */
  public static TemplateSet templates(@Nullable Path dir) {
    return dir != null
        ? TemplateSet.fromDirectory(dir)
        : Files.isRegularFile(Path.of("templates/job.sh.peb"))
            ? TemplateSet.fromDirectory(Path.of("templates"))
            : TemplateSet.bundled();
  }

  /**
   * The bytes of a config file; a missing one is a {@link CairnException} that ends with {@code
   * fix}, how to name the right file.
   */
  public static byte[] read(Path config, String fix) throws IOException {
    try {
      return Files.readAllBytes(config);
    } catch (NoSuchFileException e) {
      throw new CairnException(config + " does not exist; " + fix);
    }
  }
}
