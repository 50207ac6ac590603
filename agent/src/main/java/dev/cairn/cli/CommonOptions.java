package dev.cairn.cli;

import dev.cairn.config.AgentSettings;
import java.nio.file.Path;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Options every command that reads the agent settings shares. */
final class CommonOptions {
  /** The command these options are mixed into, to read the top command's {@code --verbose}. */
  @Spec(Spec.Target.MIXEE)
  CommandSpec mixee;

  @Option(
      names = "--settings",
      paramLabel = "FILE",
      description =
          "Agent settings file (see config/agent.env.example); environment variables of the same names win.")
  @Nullable Path settings;

  @Option(
      names = "--log-json",
      description = "Log one JSON object per line (also CAIRN_LOG_FORMAT=json).")
  boolean logJson;

  AgentSettings load(Map<String, String> environment) {
    AgentSettings settings = AgentSettings.load(this.settings, environment);
    Logging.configure(logJson || "json".equals(settings.logFormat()), Main.isVerbose(mixee));
    return settings;
  }

  void configureLogging() {
    Logging.configure(
        logJson || "json".equals(System.getenv("CAIRN_LOG_FORMAT")), Main.isVerbose(mixee));
  }
}
