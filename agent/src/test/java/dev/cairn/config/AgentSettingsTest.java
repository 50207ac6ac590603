package dev.cairn.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentSettingsTest {
  @TempDir Path tmp;

  @Test
  void load_readsFileAndLetsEnvironmentWin() throws Exception {
    Path file = tmp.resolve("agent.env");
    Files.writeString(
        file, "CAIRN_STORE=file:///srv/store\nCAIRN_POLL_MIN_SECONDS=7\nCAIRN_STATE_DIR=~/state\n");
    AgentSettings s =
        AgentSettings.load(file, Map.of("CAIRN_POLL_MIN_SECONDS", "3", "HOME", "/home/u"));
    assertEquals("file:///srv/store", s.storeUrl());
    assertEquals(Duration.ofSeconds(3), s.pollMin());
    assertEquals(Path.of("/home/u/state"), s.stateDir());
    assertEquals(Path.of("/home/u/state/work"), s.workDir());
  }

  @Test
  void load_exampleFileIsValid() {
    Path example = dev.cairn.testing.Fixtures.projectDir().resolve("config/agent.env.example");
    AgentSettings s = AgentSettings.load(example, Map.of("HOME", "/home/u"));
    assertTrue(s.storeUrl().startsWith("s3://"));
    assertEquals("AWS_SECRET_ACCESS_KEY", s.s3SecretKeyEnv());
  }

  @Test
  void load_rejectsASecretWhereAVariableNameBelongs() {
    ConfigError e =
        assertThrows(
            ConfigError.class,
            () ->
                AgentSettings.load(
                    null,
                    Map.of("CAIRN_STORE", "file:///x", "CAIRN_GIT_TOKEN_ENV", "glpat-abc.def")));
    assertTrue(
        e.getMessage().contains("must be the NAME of an environment variable"), e.getMessage());
  }

  @Test
  void load_rejectsAGitlabTokenWhereAVariableNameBelongs() {
    ConfigError e =
        assertThrows(
            ConfigError.class,
            () ->
                AgentSettings.load(
                    null,
                    Map.of("CAIRN_STORE", "file:///x", "CAIRN_GITLAB_TOKEN_ENV", "glpat-abc.def")));
    assertTrue(
        e.getMessage()
            .contains("CAIRN_GITLAB_TOKEN_ENV='glpat-abc.def' must be the NAME of an environment"),
        e.getMessage());
  }

  @Test
  void load_gitlab_needsItsProject_andNeverEchoesTheWebhooksUrl() {
    ConfigError e =
        assertThrows(
            ConfigError.class,
            () ->
                AgentSettings.load(
                    null,
                    Map.of(
                        "CAIRN_STORE",
                        "file:///x",
                        "CAIRN_GITLAB_URL",
                        "https://gitlab.example.com",
                        "CAIRN_NOTIFY_WEBHOOK",
                        "hooks.example.com/services/T0/B0/s3cr3t")));
    assertTrue(e.getMessage().contains("CAIRN_GITLAB_PROJECT is empty"), e.getMessage());
    assertTrue(
        e.getMessage().contains("CAIRN_NOTIFY_WEBHOOK is not an http(s) URL"), e.getMessage());
    assertFalse(e.getMessage().contains("s3cr3t"), e.getMessage());
  }

  @Test
  void load_gitlab_takesAProjectIdOrPath_andIsOffByDefault() {
    assertFalse(AgentSettings.load(null, Map.of("CAIRN_STORE", "file:///x")).gitlab().enabled());
    for (String project : new String[] {"42", "group/sub/project", "group%2Fproject"}) {
      AgentSettings s =
          AgentSettings.load(
              null,
              Map.of(
                  "CAIRN_STORE", "file:///x",
                  "CAIRN_GITLAB_URL", "https://gitlab.example.com",
                  "CAIRN_GITLAB_PROJECT", project));
      assertEquals(project, s.gitlab().project());
    }
    ConfigError e =
        assertThrows(
            ConfigError.class,
            () ->
                AgentSettings.load(
                    null,
                    Map.of(
                        "CAIRN_STORE", "file:///x",
                        "CAIRN_GITLAB_URL", "https://gitlab.example.com",
                        "CAIRN_GITLAB_PROJECT", "../../admin")));
    assertTrue(e.getMessage().contains("CAIRN_GITLAB_PROJECT='../../admin' is not allowed"));
  }

  @Test
  void load_namesTheMissingStore() {
    ConfigError e = assertThrows(ConfigError.class, () -> AgentSettings.load(null, Map.of()));
    assertTrue(e.getMessage().contains("CAIRN_STORE is not set"), e.getMessage());
  }

  @Test
  void load_suggestsAMisspelledSetting() throws Exception {
    Path file = tmp.resolve("agent.env");
    Files.writeString(file, "CAIRN_STORE=file:///x\nCAIRN_POLL_MAX_SECOND=9\n");
    ConfigError e = assertThrows(ConfigError.class, () -> AgentSettings.load(file, Map.of()));
    assertTrue(
        e.getMessage()
            .contains(
                "CAIRN_POLL_MAX_SECOND is not an agent setting; did you mean"
                    + " CAIRN_POLL_MAX_SECONDS? (line 2)"),
        e.getMessage());
  }

  @Test
  void load_saysAMissingFileDoesNotExist() {
    Path file = tmp.resolve("nope.env");
    dev.cairn.CairnException e =
        assertThrows(dev.cairn.CairnException.class, () -> AgentSettings.load(file, Map.of()));
    assertEquals(
        "the agent settings file "
            + file
            + " does not exist; pass --settings with the path of your agent.env (a copy of"
            + " config/agent.env.example)",
        e.getMessage());
  }

  @Test
  void load_templatesComeFromTheCommitWhereTheAgentHasTheRepository() {
    assertEquals(
        "agent", AgentSettings.load(null, Map.of("CAIRN_STORE", "file:///x")).templatesSource());
    AgentSettings s =
        AgentSettings.load(
            null, Map.of("CAIRN_STORE", "file:///x", "CAIRN_REPO_REMOTE", "https://git/x.git"));
    assertEquals("commit", s.templatesSource());
    assertEquals("1.1", s.terratorchVersion());
    assertEquals(
        "agent",
        AgentSettings.load(
                null,
                Map.of(
                    "CAIRN_STORE",
                    "file:///x",
                    "CAIRN_REPO_REMOTE",
                    "https://git/x.git",
                    "CAIRN_TEMPLATES",
                    "agent"))
            .templatesSource());
  }

  @Test
  void load_rejectsATerratorchVersionItDoesNotKnow() {
    ConfigError e =
        assertThrows(
            ConfigError.class,
            () ->
                AgentSettings.load(
                    null, Map.of("CAIRN_STORE", "file:///x", "CAIRN_TERRATORCH_VERSION", "2.0")));
    assertTrue(
        e.getMessage()
            .contains(
                "CAIRN_TERRATORCH_VERSION='2.0' is not allowed: use one of 1.0, 1.1.0, 1.1, 1.2"),
        e.getMessage());
  }

  @Test
  void cluster_namesAndWait_parsed_andBadOnesNamedWithTheFix() {
    AgentSettings s =
        AgentSettings.load(
            null,
            Map.of(
                "CAIRN_STORE", "file:///tmp/x",
                "CAIRN_CLUSTER", "lsf",
                "CAIRN_CLUSTER_WAIT", "90m",
                "CAIRN_SCHEDULER", "lsf"));
    assertEquals("lsf", s.cluster().name());
    assertEquals(java.time.Duration.ofMinutes(90), s.cluster().quietWait());
    assertEquals("lsf", s.cluster().schedulerFor("slurm"));
    AgentSettings plain = AgentSettings.load(null, Map.of("CAIRN_STORE", "file:///tmp/x"));
    assertEquals("default", plain.cluster().name());
    assertEquals(java.time.Duration.ofHours(24), plain.cluster().quietWait());
    assertEquals("slurm", plain.cluster().schedulerFor("slurm"));
    ConfigError e =
        assertThrows(
            ConfigError.class,
            () ->
                AgentSettings.load(
                    null,
                    Map.of(
                        "CAIRN_STORE", "file:///tmp/x",
                        "CAIRN_CLUSTER_WAIT", "soon",
                        "CAIRN_SCHEDULER", "pbs")));
    String all = String.join("\n", e.problems());
    assertTrue(all.contains("CAIRN_CLUSTER_WAIT='soon'"), all);
    assertTrue(all.contains("CAIRN_SCHEDULER='pbs'"), all);
  }
}
