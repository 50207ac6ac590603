package dev.cairn.config;

import dev.cairn.Spelling;
import dev.cairn.terratorch.TerratorchMetrics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The agent's own settings, kept apart from the experiment config: where the store, the clone and
 * the run folders are, which scheduler binaries to call, how often to poll. Read from an env file
 * ({@code config/agent.env.example} documents every key) with the process environment on top.
 * Credentials are never values here, only the names of the variables that hold them.
 */
public record AgentSettings(
    String storeUrl,
    String s3AccessKeyEnv,
    String s3SecretKeyEnv,
    Path stateDir,
    Path workDir,
    Path repoDir,
    String repoRemote,
    String resultsBranch,
    List<String> allowedBranches,
    boolean requireProvenance,
    String gitUser,
    String gitTokenEnv,
    @Nullable Path gitSshKey,
    String gitAuthorName,
    String gitAuthorEmail,
    Duration pollMin,
    Duration pollMax,
    String schedulerBinDir,
    Map<String, String> schedulerSettings,
    @Nullable Path siteProlog,
    String supersede,
    String logFormat,
    @Nullable Path templatesDir,
    @Nullable Path trainerJar,
    @Nullable Path terratorchConfigDir,
    String dvcRemoteName,
    String seedKey,
    String terratorchVersion,
    String templatesSource,
    String httpAddress,
    @Nullable Path webhookTokenFile,
    SweepLimits sweepLimits,
    GitlabSettings gitlab,
    ClusterSettings cluster) {

  private static final Map<String, String> DEFAULTS = new LinkedHashMap<>();
  private static final List<SchedulerPlugin> SCHEDULERS = SchedulerPlugin.installed();

  static {
    DEFAULTS.put("CAIRN_STORE", null);
    DEFAULTS.put("CAIRN_S3_ACCESS_KEY_ENV", "AWS_ACCESS_KEY_ID");
    DEFAULTS.put("CAIRN_S3_SECRET_KEY_ENV", "AWS_SECRET_ACCESS_KEY");
    DEFAULTS.put("CAIRN_STATE_DIR", "~/.cairn");
    DEFAULTS.put("CAIRN_WORK_DIR", "");
    DEFAULTS.put("CAIRN_REPO_DIR", "");
    DEFAULTS.put("CAIRN_REPO_REMOTE", "");
    DEFAULTS.put("CAIRN_RESULTS_BRANCH", "main");
    DEFAULTS.put("CAIRN_ALLOWED_BRANCHES", "main");
    DEFAULTS.put("CAIRN_REQUIRE_PROVENANCE", "true");
    DEFAULTS.put("CAIRN_GIT_USER", "oauth2");
    DEFAULTS.put("CAIRN_GIT_TOKEN_ENV", "CAIRN_GIT_TOKEN");
    DEFAULTS.put("CAIRN_GIT_SSH_KEY", "");
    DEFAULTS.put("CAIRN_GIT_AUTHOR_NAME", "Cairn agent");
    DEFAULTS.put("CAIRN_GIT_AUTHOR_EMAIL", "cairn-agent@localhost");
    DEFAULTS.put("CAIRN_POLL_MIN_SECONDS", "5");
    DEFAULTS.put("CAIRN_POLL_MAX_SECONDS", "60");
    DEFAULTS.put("CAIRN_SCHEDULER_BIN_DIR", "");
    SCHEDULERS.forEach(s -> DEFAULTS.putAll(s.settingDefaults()));
    DEFAULTS.put("CAIRN_SITE_PROLOGUE", "");
    DEFAULTS.put("CAIRN_SUPERSEDE", "queue");
    DEFAULTS.put("CAIRN_LOG_FORMAT", "text");
    DEFAULTS.put("CAIRN_TEMPLATES_DIR", "");
    DEFAULTS.put("CAIRN_TRAINER_JAR", "");
    DEFAULTS.put("CAIRN_TERRATORCH_CONFIG_DIR", "");
    DEFAULTS.put("CAIRN_DVC_REMOTE_NAME", "cairn");
    DEFAULTS.put("CAIRN_SEED_KEY", "");
    DEFAULTS.put("CAIRN_TERRATORCH_VERSION", TerratorchMetrics.DEFAULT_VERSION);
    DEFAULTS.put("CAIRN_TEMPLATES", "");
    DEFAULTS.put("CAIRN_HTTP_ADDRESS", "");
    DEFAULTS.put("CAIRN_WEBHOOK_TOKEN_FILE", "");
    DEFAULTS.put("CAIRN_MAX_TRIALS", "256");
    DEFAULTS.put("CAIRN_MAX_ARRAY_SIZE", "0");
    GitlabSettings.defaults(DEFAULTS);
    ClusterSettings.defaults(DEFAULTS);
  }

  /** Every key this record reads. */
  public static Set<String> keys() {
    return DEFAULTS.keySet();
  }

  /**
   * Reads the settings file (may be null) and then the environment, which wins.
   *
   * @throws ConfigError naming each bad key
   */
  public static AgentSettings load(@Nullable Path file, Map<String, String> environment) {
    List<String> problems = new ArrayList<>();
    Map<String, String> raw = new LinkedHashMap<>();
    String source = file == null ? "agent settings" : file.toString();
    Map<String, Integer> lineOf = new java.util.HashMap<>();
    if (file != null) {
      if (!Files.exists(file)) {
        throw new dev.cairn.CairnException(
            "the agent settings file "
                + file
                + " does not exist; pass --settings with the path of your agent.env (a copy of"
                + " config/agent.env.example)");
      }
      try {
        raw.putAll(EnvFile.parse(Files.readAllBytes(file), problems, lineOf));
      } catch (java.io.IOException e) {
        throw new dev.cairn.CairnException(
            "cannot read the agent settings "
                + file
                + ": "
                + e.getMessage()
                + "; pass --settings with a readable file");
      }
      for (String key : raw.keySet()) {
        if (!DEFAULTS.containsKey(key)) {
          String s = Spelling.closest(key, DEFAULTS.keySet());
          problems.add(
              key
                  + " is not an agent setting"
                  + (s == null ? "" : "; did you mean " + s + "?")
                  + " (line "
                  + lineOf.get(key)
                  + ")");
        }
      }
    }
    for (String key : DEFAULTS.keySet()) {
      String env = environment.get(key);
      if (env != null) {
        raw.put(key, env);
      }
    }
    Map<String, String> v = new LinkedHashMap<>();
    DEFAULTS.forEach((k, d) -> v.put(k, raw.getOrDefault(k, d)));
    Function<String, String> get = v::get;
    if (get.apply("CAIRN_STORE") == null || get.apply("CAIRN_STORE").isBlank()) {
      problems.add(
          "CAIRN_STORE is not set; set it to s3://bucket/prefix?endpoint=https://... or file:///folder");
    }
    Duration pollMin = SettingChecks.seconds("CAIRN_POLL_MIN_SECONDS", v, 1, 3600, problems);
    Duration pollMax = SettingChecks.seconds("CAIRN_POLL_MAX_SECONDS", v, 1, 86_400, problems);
    Map<String, String> schedulerSettings = new LinkedHashMap<>();
    for (SchedulerPlugin scheduler : SCHEDULERS) {
      scheduler.checkSettings(v, problems);
      scheduler
          .settingDefaults()
          .keySet()
          .forEach(k -> schedulerSettings.put(k, SettingChecks.value(v, k).strip()));
    }
    SweepLimits limits = SweepLimits.read(v, problems);
    ClusterSettings cluster = ClusterSettings.read(v, problems);
    GitlabSettings gitlab =
        GitlabSettings.read(
            v,
            optionalPath(SettingChecks.value(v, "CAIRN_GITLAB_TOKEN_FILE"), environment),
            problems);
    SettingChecks.oneOf("CAIRN_SUPERSEDE", v, problems, "queue", "latest");
    SettingChecks.oneOf("CAIRN_LOG_FORMAT", v, problems, "text", "json");
    SettingChecks.oneOf("CAIRN_REQUIRE_PROVENANCE", v, problems, "true", "false");
    SettingChecks.oneOf(
        "CAIRN_TERRATORCH_VERSION", v, problems, TerratorchMetrics.VERSIONS.toArray(String[]::new));
    if (SettingChecks.value(v, "CAIRN_TEMPLATES").isBlank()) {
      // the templates of the run's commit where the agent has the repository, else its own
      v.put(
          "CAIRN_TEMPLATES",
          SettingChecks.value(v, "CAIRN_REPO_REMOTE").isBlank() ? "agent" : "commit");
    }
    SettingChecks.oneOf("CAIRN_TEMPLATES", v, problems, "commit", "agent");
    if (!SettingChecks.value(v, "CAIRN_HTTP_ADDRESS")
        .strip()
        .matches("|([^:\\s]*|\\[[0-9a-fA-F:.]+\\]):\\d{1,5}")) {
      problems.add(
          "CAIRN_HTTP_ADDRESS='"
              + SettingChecks.value(v, "CAIRN_HTTP_ADDRESS")
              + "' is not allowed: use HOST:PORT such as 127.0.0.1:9464, or leave it empty");
    }
    if (!SettingChecks.value(v, "CAIRN_WEBHOOK_TOKEN_FILE").isBlank()
        && SettingChecks.value(v, "CAIRN_HTTP_ADDRESS").isBlank()) {
      problems.add(
          "CAIRN_WEBHOOK_TOKEN_FILE is set but CAIRN_HTTP_ADDRESS is empty, so no webhook could"
              + " reach the agent; set CAIRN_HTTP_ADDRESS to HOST:PORT, or leave"
              + " CAIRN_WEBHOOK_TOKEN_FILE empty");
    }
    for (String env :
        List.of(
            "CAIRN_S3_ACCESS_KEY_ENV",
            "CAIRN_S3_SECRET_KEY_ENV",
            "CAIRN_GIT_TOKEN_ENV",
            "CAIRN_GITLAB_TOKEN_ENV")) {
      if (!SettingChecks.value(v, env).matches("[A-Za-z_][A-Za-z0-9_]*")) {
        problems.add(
            env
                + "='"
                + SettingChecks.value(v, env)
                + "' must be the NAME of an environment variable, not a secret");
      }
    }
    if (!problems.isEmpty()) {
      throw new ConfigError(source, problems);
    }
    if (pollMax.compareTo(pollMin) < 0) {
      pollMax = pollMin;
    }
    Path state = path(SettingChecks.value(v, "CAIRN_STATE_DIR"), environment);
    Path work =
        SettingChecks.value(v, "CAIRN_WORK_DIR").isBlank()
            ? state.resolve("work")
            : path(SettingChecks.value(v, "CAIRN_WORK_DIR"), environment);
    Path repo =
        SettingChecks.value(v, "CAIRN_REPO_DIR").isBlank()
            ? state.resolve("repo")
            : path(SettingChecks.value(v, "CAIRN_REPO_DIR"), environment);
    return new AgentSettings(
        SettingChecks.value(v, "CAIRN_STORE").strip(),
        SettingChecks.value(v, "CAIRN_S3_ACCESS_KEY_ENV"),
        SettingChecks.value(v, "CAIRN_S3_SECRET_KEY_ENV"),
        state,
        work,
        repo,
        SettingChecks.value(v, "CAIRN_REPO_REMOTE").strip(),
        SettingChecks.value(v, "CAIRN_RESULTS_BRANCH").strip(),
        List.of(SettingChecks.value(v, "CAIRN_ALLOWED_BRANCHES").strip().split("\\s*,\\s*")),
        Boolean.parseBoolean(SettingChecks.value(v, "CAIRN_REQUIRE_PROVENANCE")),
        SettingChecks.value(v, "CAIRN_GIT_USER"),
        SettingChecks.value(v, "CAIRN_GIT_TOKEN_ENV"),
        optionalPath(SettingChecks.value(v, "CAIRN_GIT_SSH_KEY"), environment),
        SettingChecks.value(v, "CAIRN_GIT_AUTHOR_NAME"),
        SettingChecks.value(v, "CAIRN_GIT_AUTHOR_EMAIL"),
        pollMin,
        pollMax,
        SettingChecks.value(v, "CAIRN_SCHEDULER_BIN_DIR").strip(),
        Map.copyOf(schedulerSettings),
        optionalPath(SettingChecks.value(v, "CAIRN_SITE_PROLOGUE"), environment),
        SettingChecks.value(v, "CAIRN_SUPERSEDE"),
        SettingChecks.value(v, "CAIRN_LOG_FORMAT"),
        optionalPath(SettingChecks.value(v, "CAIRN_TEMPLATES_DIR"), environment),
        optionalPath(SettingChecks.value(v, "CAIRN_TRAINER_JAR"), environment),
        optionalPath(SettingChecks.value(v, "CAIRN_TERRATORCH_CONFIG_DIR"), environment),
        SettingChecks.value(v, "CAIRN_DVC_REMOTE_NAME"),
        SettingChecks.value(v, "CAIRN_SEED_KEY").strip(),
        SettingChecks.value(v, "CAIRN_TERRATORCH_VERSION"),
        SettingChecks.value(v, "CAIRN_TEMPLATES"),
        SettingChecks.value(v, "CAIRN_HTTP_ADDRESS").strip(),
        optionalPath(SettingChecks.value(v, "CAIRN_WEBHOOK_TOKEN_FILE"), environment),
        limits,
        gitlab,
        cluster);
  }

  /**
   * The value of a scheduler plug-in's own setting ({@link SchedulerPlugin#settingDefaults()}),
   * stripped, its default where unset.
   */
  public String schedulerSetting(String key) {
    String value = schedulerSettings.get(key);
    if (value == null) {
      throw new IllegalArgumentException(key + " is no scheduler plug-in's setting");
    }
    return value;
  }

  /**
   * Why these settings cannot start an agent, or null when they can: provenance asked for with no
   * repository to check it against would otherwise be silently off.
   */
  public @Nullable String startProblem() {
    if (requireProvenance && repoRemote.isBlank()) {
      return "CAIRN_REQUIRE_PROVENANCE=true but CAIRN_REPO_REMOTE is empty, so no request could be"
          + " checked against the repository; set CAIRN_REPO_REMOTE to the experiment repository,"
          + " or set CAIRN_REQUIRE_PROVENANCE=false to run whatever the bucket asks for";
    }
    return null;
  }

  private static @Nullable Path optionalPath(@Nullable String value, Map<String, String> env) {
    return value == null || value.isBlank() ? null : path(value, env);
  }

  private static Path path(String value, Map<String, String> env) {
    String s = value.strip();
    if (s.equals("~") || s.startsWith("~/")) {
      String home = env.getOrDefault("HOME", System.getProperty("user.home"));
      s = home + s.substring(1);
    }
    return Path.of(s).toAbsolutePath().normalize();
  }
}
