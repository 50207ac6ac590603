package dev.cairn.config;

import dev.cairn.CairnException;
import java.util.List;

/** Everything wrong with one config file, one line per problem, each naming key, value and fix. */
public final class ConfigError extends CairnException {
  private final List<String> problems;

  public ConfigError(String source, List<String> problems) {
    super(source + ": " + String.join("; ", problems));
    this.problems = List.copyOf(problems);
  }

  public List<String> problems() {
    return problems;
  }
}
