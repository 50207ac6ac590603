package dev.cairn.agent;

import dev.cairn.config.ClusterSettings;
import dev.cairn.config.ExperimentConfig;
import dev.cairn.config.SweepLimits;
import dev.cairn.plan.JobSpec;
import dev.cairn.plan.Resources;
import dev.cairn.plan.RunPlan;
import dev.cairn.plan.preflight.Preflight;
import dev.cairn.render.CommitRenderers;
import dev.cairn.render.ScriptRenderer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A run's plan, made once from the config copy in its folder and kept; and the batch script of each
 * job attempt, rendered from it.
 */
final class Plans {
  private final ScriptRenderer renderer;
  private final Optional<CommitRenderers> commitRenderers;
  private final SweepLimits limits;
  private final ClusterSettings cluster;
  private final Map<String, RunPlan> plans = new HashMap<>();

  /**
   * @param commitRenderers the templates of each run's commit, or none to render every run with
   *     {@code renderer} (the agent's own templates)
   */
  Plans(
      ScriptRenderer renderer,
      Optional<CommitRenderers> commitRenderers,
      SweepLimits limits,
      ClusterSettings cluster) {
    this.renderer = renderer;
    this.commitRenderers = commitRenderers;
    this.limits = limits;
    this.cluster = cluster;
  }

  /** The cluster this agent serves, and the scheduler it runs its share on. */
  ClusterSettings cluster() {
    return cluster;
  }

  /** The scheduler this agent submits a run's jobs to: its own where set, else the config's. */
  String scheduler(ExperimentConfig cfg) {
    return cluster.schedulerFor(cfg.scheduler());
  }

  /**
   * Whether this agent runs a trial: every trial of a run that routes nothing, and the trials
   * routed to its cluster of one that does.
   */
  boolean runsHere(JobSpec spec) {
    String routed = spec.trial().cluster();
    return routed.isEmpty() || routed.equals(cluster.name());
  }

  SweepLimits limits() {
    return limits;
  }

  /** A trial's resources as {@code run.json} lists them. */
  static Map<String, String> describe(Resources res) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("partition", res.partition());
    m.put("account", res.account());
    m.put("gpus", Integer.toString(res.gpus()));
    m.put("cpus", Integer.toString(res.cpus()));
    m.put("memory_mb", Long.toString(res.memMb()));
    m.put("time_limit_s", Long.toString(res.timeLimit().toSeconds()));
    return m;
  }

  /** CAIRN_TEMPLATES=commit: the templates of the run's commit, once its folder exists. */
  ScriptRenderer renderer(Run run) {
    return run.runDir() == null
        ? renderer
        : commitRenderers.map(c -> c.forRun(run.commit(), Path.of(run.runDir()))).orElse(renderer);
  }

  /** Parses and validates a config for this run; a {@code CairnException} says what is wrong. */
  ExperimentConfig parse(Run run, byte[] config) {
    return ExperimentConfig.parse(
        config, "config.env@" + Agent.shortSha(run.commit()), renderer(run).templates().tasks());
  }

  /**
   * The login-node checks of a validated config (datasets, weights for offline nodes, the learning
   * rate) in the agent's environment, which the jobs share: one line per problem.
   */
  List<String> preflight(Run run, ExperimentConfig cfg) {
    return new Preflight(System.getenv(), renderer(run).site().terratorchVersion()).check(cfg);
  }

  /** The plan of a run that was validated before (perhaps by an agent that since restarted). */
  RunPlan of(Run run) {
    RunPlan plan = plans.get(run.key());
    if (plan == null) {
      try {
        byte[] config = Files.readAllBytes(Path.of(run.runDir()).resolve("config.env"));
        plan = of(run, parse(run, config));
      } catch (IOException e) {
        throw new IllegalStateException(
            "the run folder " + run.runDir() + " lost its config.env", e);
      }
    }
    return plan;
  }

  RunPlan of(Run run, ExperimentConfig cfg) {
    RunPlan plan = RunPlan.of(cfg, run.runId(), run.commit(), run.attempt(), Path.of(run.runDir()));
    plans.put(run.key(), plan);
    return plan;
  }

  /** The job of a trial at the stage and attempt the run has reached. */
  static JobSpec spec(RunPlan plan, JobRun job) {
    JobSpec spec =
        plan.jobs().stream()
            .filter(s -> s.trial().id().equals(job.id()))
            .findFirst()
            .orElseThrow()
            .withAttempt(job.attempt());
    return JobSpec.EVALUATE.equals(job.stage()) ? evaluate(plan, spec) : spec;
  }

  /** The evaluate job of a trial whose train job is {@code train}. */
  static JobSpec evaluate(RunPlan plan, JobSpec train) {
    ExperimentConfig cfg = plan.config();
    return train.evaluate(cfg.evalPartition(), cfg.evalTimeLimit());
  }

  JobSpec spec(Run run, JobRun job) {
    return spec(of(run), job);
  }

  /** Renders the script of one job attempt, replacing the file atomically. */
  void writeScript(Run run, JobSpec spec) throws IOException {
    ExperimentConfig cfg = of(run).config();
    String script = renderer(run).render(spec, cfg, scheduler(cfg), run.commit());
    Files.createDirectories(spec.script().getParent());
    Path tmp = spec.script().resolveSibling(spec.script().getFileName() + ".tmp");
    Files.writeString(tmp, script);
    Files.move(tmp, spec.script(), StandardCopyOption.REPLACE_EXISTING);
    spec.script().toFile().setExecutable(true, true);
  }

  /** Whether an earlier attempt of the job left a checkpoint to resume from. */
  boolean hasCheckpoint(Run run, JobRun job) {
    Path dir = spec(run, job).checkpointDir();
    if (!Files.isDirectory(dir)) {
      return false;
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files.anyMatch(Files::isRegularFile);
    } catch (IOException e) {
      return false;
    }
  }
}
