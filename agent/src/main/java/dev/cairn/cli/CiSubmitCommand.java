package dev.cairn.cli;

import dev.cairn.config.AgentSettings;
import dev.cairn.config.ExperimentConfig;
import dev.cairn.model.RunRequest;
import dev.cairn.render.TemplateSet;
import dev.cairn.store.ObjectStore;
import dev.cairn.trigger.Submission;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code agent.jar ci submit}: uploads the committed config as a run request. */
@Command(
    name = "submit",
    mixinStandardHelpOptions = true,
    header = "Validate the committed config and hand it to the agent through the store.",
    description = {
      "Validate config/config.env and upload it with request.json under requests/<commit>/ in",
      "CAIRN_STORE. Idempotent: a retried job does not start a second run; --rerun asks for one."
    })
final class CiSubmitCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      defaultValue = "config/config.env",
      description = "Default: ${DEFAULT-VALUE}.")
  Path config;

  @Mixin TemplatesOption templates;

  @Option(names = "--commit", paramLabel = "SHA", description = "Default: CI_COMMIT_SHA.")
  String commit;

  @Option(names = "--branch", paramLabel = "NAME", description = "Default: CI_COMMIT_BRANCH.")
  String branch;

  @Option(
      names = "--rerun",
      description = "Ask for a new attempt of a commit that was submitted before.")
  boolean rerun;

  @Option(
      names = "--dotenv",
      paramLabel = "FILE",
      defaultValue = "cairn-submit.env",
      description =
          "Where to hand the attempt on to `ci await` (a dotenv report; default: ${DEFAULT-VALUE}).")
  Path dotenv;

  /**
   * The dotenv names that carry the submitted attempt from {@code ci submit} to {@code ci await}.
   */
  static final String ATTEMPT = "CAIRN_ATTEMPT";

  static final String CONFIG_COMMIT = "CAIRN_CONFIG_COMMIT";

  @Option(
      names = "--settings",
      paramLabel = "FILE",
      description =
          "Agent-style settings file for CAIRN_STORE and the credential variable names (the environment wins).")
  Path settingsFile;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    Map<String, String> env = System.getenv();
    CiContext ci = CiContext.from(env, commit, branch);
    byte[] bytes = ConfigFiles.read(config, "run from the repository root or pass --config");
    TemplateSet set = templates.load();
    // fail fast in CI; the agent checks again, since the bucket is not the only way in
    ExperimentConfig.parse(bytes, config.toString(), set.tasks());
    String sha = ExperimentConfig.sha256(bytes);
    AgentSettings settings = AgentSettings.load(settingsFile, storeOnly(env));
    try (ObjectStore store = Wiring.openStore(settings)) {
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
      Submission.Outcome outcome = Submission.submit(store, asked, bytes, rerun);
      RunRequest r = outcome.request();
      CiReports.write(
          dotenv,
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
  static Map<String, String> storeOnly(Map<String, String> env) {
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
