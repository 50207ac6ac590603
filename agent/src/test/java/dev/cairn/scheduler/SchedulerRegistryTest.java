package dev.cairn.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.CairnException;
import dev.cairn.config.AgentSettings;
import dev.cairn.config.ConfigError;
import dev.cairn.config.SchedulerName;
import dev.cairn.testing.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The scheduler plug-ins as the registry lists them, and what each brings along. */
class SchedulerRegistryTest {
  @TempDir Path tmp;

  private List<String> names() {
    return SchedulerRegistry.providers().stream().map(SchedulerProvider::name).toList();
  }

  @Test
  void registry_listsTheClusterSchedulersFirstAndLocalLast() {
    // at least these three, in this order; a further plug-in goes anywhere before local
    List<String> names = names();
    assertEquals("slurm", names.get(0));
    assertTrue(names.indexOf("lsf") > 0, names.toString());
    assertEquals("local", names.get(names.size() - 1));
    assertEquals(names, List.of(SchedulerName.ids()));
    assertTrue(SchedulerName.choices().startsWith("slurm, lsf"), SchedulerName.choices());
    assertTrue(SchedulerName.choices().endsWith(" or local"), SchedulerName.choices());
  }

  @Test
  void everyProvider_hasItsTemplateFragmentsInTheProjectTemplates() {
    Path templates = Fixtures.projectDir().resolve("templates");
    for (String name : names()) {
      assertTrue(Files.isRegularFile(templates.resolve(name + "/header.peb")), name);
      assertTrue(Files.isRegularFile(templates.resolve(name + "/job-id.peb")), name);
    }
  }

  @Test
  void everyProviderSetting_isAnAgentSettingWithItsDefault() {
    AgentSettings settings = load(Map.of());
    for (SchedulerProvider p : SchedulerRegistry.providers()) {
      p.settingDefaults()
          .forEach(
              (key, value) -> {
                assertTrue(AgentSettings.keys().contains(key), key);
                assertEquals(value, settings.schedulerSetting(key), key);
              });
    }
    assertEquals(
        "jbsub",
        load(Map.of("CAIRN_LSF_SUBMIT_COMMAND", " jbsub "))
            .schedulerSetting("CAIRN_LSF_SUBMIT_COMMAND"));
  }

  @Test
  void aProvidersBadSetting_isOneLineOfTheSettingsError() {
    ConfigError e =
        assertThrows(ConfigError.class, () -> load(Map.of("CAIRN_LOCAL_MAX_JOBS", "0")));
    assertTrue(e.getMessage().contains("CAIRN_LOCAL_MAX_JOBS='0' is not allowed"), e.getMessage());
  }

  @Test
  void resourceFormats_areNamedAfterTheirSchedulerSoNoTwoClash() {
    Set<String> seen = new HashSet<>();
    for (SchedulerProvider p : SchedulerRegistry.providers()) {
      for (String key : p.resourceFormats(Duration.ofMinutes(90), 4096).keySet()) {
        assertTrue(key.startsWith(p.name() + "_"), key);
        assertTrue(seen.add(key), key);
      }
    }
    assertTrue(seen.containsAll(Set.of("slurm_time", "lsf_time")), seen.toString());
  }

  @Test
  void arraySchedulers_nameTheirIndexVariable() {
    for (SchedulerProvider p : SchedulerRegistry.providers()) {
      p.arrays().ifPresent(a -> assertFalse(a.indexVariable().isEmpty(), p.name()));
    }
    assertEquals(
        new SchedulerProvider.ArraySyntax(1, "%I", "LSB_JOBINDEX"),
        SchedulerRegistry.find("lsf").flatMap(SchedulerProvider::arrays).orElseThrow());
    assertEquals(
        "SLURM_ARRAY_TASK_ID",
        SchedulerRegistry.find("slurm")
            .flatMap(SchedulerProvider::arrays)
            .orElseThrow()
            .indexVariable());
    assertTrue(SchedulerRegistry.find("local").flatMap(SchedulerProvider::arrays).isEmpty());
  }

  @Test
  void anUnknownName_isOneLineNamingTheChoices() {
    try (Schedulers schedulers =
        new Schedulers(load(Map.of()), Clock.systemUTC(), new ExecCommandRunner())) {
      CairnException e =
          assertThrows(CairnException.class, () -> schedulers.get("no-such-scheduler"));
      assertEquals(
          "SCHEDULER=no-such-scheduler is not available; use " + SchedulerName.choices(),
          e.getMessage());
      assertEquals("local", schedulers.get("local").name());
    }
  }

  private AgentSettings load(Map<String, String> extra) {
    Map<String, String> env = new java.util.HashMap<>(extra);
    env.put("CAIRN_STORE", tmp.resolve("store").toUri().toString());
    env.put("CAIRN_STATE_DIR", tmp.resolve("state").toString());
    env.put("CAIRN_REQUIRE_PROVENANCE", "false");
    return AgentSettings.load(null, env);
  }
}
