package dev.cairn.ci;

import dev.cairn.config.AgentSettings;
import dev.cairn.config.ExperimentConfig;
import dev.cairn.model.RunRequest;
import dev.cairn.render.TemplateSet;
import dev.cairn.results.ConfigFiles;
import dev.cairn.results.Stores;
import dev.cairn.store.ObjectStore;
import dev.cairn.trigger.Submission;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** {@code ci submit}'s client: uploads the committed config as a run request. */
public final class CiSubmit {
  /**
   * The dotenv names that carry the submitted attempt from {@code ci submit} to {@code ci await}.
   */
  public static final String ATTEMPT = "CAIRN_ATTEMPT";

  public static final String CONFIG_COMMIT = "CAIRN_CONFIG_COMMIT";

  /** What {@code ci submit} was asked; see its options for each one's meaning and default. */
  public record Options(
      Path config,
      @Nullable String commit,
      @Nullable String branch,
      boolean rerun,
      Path dotenv,
      @Nullable Path settingsFile) {}

  private CiSubmit() {}

  /**
   * Validates the config against {@code templates} and uploads it, with its request, to the store
   * the settings name; hands the attempt on in the {@code dotenv} file.
   */
  public static int submit(PrintWriter out, Options options, TemplateSet set) throws IOException {
    Map<String, String> env = System.getenv();
    CiContext ci = CiContext.from(env, options.commit(), options.branch());
    Path config = options.config();
    byte[] bytes = ConfigFiles.read(config, "run from the repository root or pass --config");
    // fail fast in CI; the agent checks again, since the bucket is not the only way in
    ExperimentConfig parsed = ExperimentConfig.parse(bytes, config.toString(), set.tasks());
    String sha = ExperimentConfig.sha256(bytes);
    AgentSettings settings = AgentSettings.load(options.settingsFile(), storeOnly(env));
    try (ObjectStore store = Stores.open(settings)) {
      ClusterCheck.check(parsed, store);
      RunRequest asked =
          new RunRequest(
              ci.commit(),
              ci.branch(),
              ci.pipeline(),
              ci.author(),
              ci.title(),
              Clock.systemUTC().instant().toString(),
              sha,
              null,
              null);
      Submission.Outcome outcome = Submission.submit(store, asked, bytes, options.rerun());
      RunRequest r = outcome.request();
      CiReports.write(
          options.dotenv(),
          ATTEMPT + "=" + r.attemptOrFirst() + "\n" + CONFIG_COMMIT + "=" + ci.commit() + "\n");
      if (outcome.alreadySubmitted()) {
        out.printf(
            "commit %s was already submitted (pipeline %s, attempt %d); not starting a second run.%s "
                + "Use --rerun for a new attempt.%n",
            r.commit(),
            r.pipeline(),
            r.attemptOrFirst(),
            outcome.repaired() ? " Its queue entry was missing and is written now." : "");
      } else {
        out.printf(
            "submitted commit %s (branch %s, pipeline %s, attempt %d) to %s%n",
            r.commit(), r.branch(), r.pipeline(), r.attemptOrFirst(), store.describe());
        out.printf("config sha256 %s%n", sha);
      }
    }
    out.flush();
    return 0;
  }

  /** Only what the store needs: a CI job has no state folder of its own. */
  public static Map<String, String> storeOnly(Map<String, String> env) {
    Map<String, String> m = new HashMap<>();
    for (String key : AgentSettings.keys()) {
      if (env.containsKey(key)) {
        m.put(key, env.get(key));
      }
    }
    m.put("CAIRN_STATE_DIR", System.getProperty("java.io.tmpdir") + "/cairn-ci");
    if (env.containsKey("HOME")) {
      m.put("HOME", env.get("HOME"));
    }
    return m;
  }
}
