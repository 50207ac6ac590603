package dev.cairn.cli;

import dev.cairn.render.TemplateSet;
import dev.cairn.results.ConfigFiles;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/** {@code --templates DIR}: the templates a command renders with. */
final class TemplatesOption {
  @Option(
      names = "--templates",
      paramLabel = "DIR",
      description = "Templates folder (default: templates/ when present, else the bundled ones).")
  @Nullable Path templates;

  TemplateSet load() {
    return ConfigFiles.templates(templates);
  }
}
