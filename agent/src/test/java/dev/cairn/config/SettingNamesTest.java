package dev.cairn.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.testing.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** A message that tells a user to set {@code CAIRN_X} names a setting that exists. */
class SettingNamesTest {
  /** Names that are not agent settings but variables the agent writes or reads by design. */
  private static final Set<String> NOT_SETTINGS =
      Set.of(
          // the dotenv report `ci await` writes for later pipeline jobs
          "CAIRN_RUN_ID",
          "CAIRN_RUN_STATE",
          "CAIRN_RESULTS_COMMIT",
          // the dotenv report `ci submit` hands to `ci await`: the attempt it waits for
          "CAIRN_ATTEMPT",
          "CAIRN_CONFIG_COMMIT",
          // the default name of the variable that holds the Git token (CAIRN_GIT_TOKEN_ENV)
          "CAIRN_GIT_TOKEN",
          // the default name of the variable that holds the GitLab token (CAIRN_GITLAB_TOKEN_ENV)
          "CAIRN_GITLAB_TOKEN",
          // the here-document marker that ends the TerraTorch config embedded in a job script
          "CAIRN_TERRATORCH_YAML",
          // the marker the local scheduler puts in its jobs' environment to find their processes
          "CAIRN_LOCAL_JOB",
          // test-only crash injection, read only when set (Faults.fromEnvironment)
          "CAIRN_TEST_CRASH_AT",
          "CAIRN_TEST_CRASH_SIGNAL");

  private static final Pattern NAME = Pattern.compile("CAIRN_[A-Z0-9_]*[A-Z0-9]");

  @Test
  void everyCairnNameInTheSources_isARealSetting() throws IOException {
    Set<String> unknown = new TreeSet<>();
    Path sources = Fixtures.projectDir().resolve("agent/src/main/java");
    try (Stream<Path> files = Files.walk(sources)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
        Matcher m = NAME.matcher(Files.readString(file));
        while (m.find()) {
          String name = m.group();
          if (!AgentSettings.keys().contains(name) && !NOT_SETTINGS.contains(name)) {
            unknown.add(name + " (" + sources.relativize(file) + ")");
          }
        }
      }
    }
    assertEquals(Set.of(), unknown, "names in messages that are no setting");
  }

  /**
   * The agent's own settings are documented in {@code config/agent.env.example}; a scheduler
   * plug-in's settings may be documented there or in its own {@code templates/<name>/settings.env},
   * so adding a scheduler leaves the shared file alone.
   */
  @Test
  void everySetting_isDocumentedInTheExampleSettingsFileOrItsPluginsOwn() throws IOException {
    Path project = Fixtures.projectDir();
    String example = Files.readString(project.resolve("config/agent.env.example"));
    Map<String, String> pluginDocs = new HashMap<>();
    for (SchedulerPlugin plugin : SchedulerPlugin.installed()) {
      Path own = project.resolve("templates/" + plugin.name() + "/settings.env");
      String text = Files.isRegularFile(own) ? Files.readString(own) : "";
      plugin.settingDefaults().keySet().forEach(key -> pluginDocs.put(key, text));
    }
    for (String key : AgentSettings.keys()) {
      assertTrue(
          example.contains(key) || pluginDocs.getOrDefault(key, "").contains(key),
          key + " is missing from config/agent.env.example (or its plug-in's settings.env)");
    }
  }
}
