package dev.cairn.render;

import dev.cairn.CairnException;
import dev.cairn.Untrusted;
import dev.cairn.config.ExperimentConfig;
import dev.cairn.plan.ArrayJob;
import dev.cairn.plan.JobSpec;
import dev.cairn.plan.Resources;
import dev.cairn.scheduler.SchedulerProvider;
import dev.cairn.scheduler.SchedulerRegistry;
import dev.cairn.terratorch.TerratorchContext;
import io.pebbletemplates.pebble.PebbleEngine;
import io.pebbletemplates.pebble.error.PebbleException;
import io.pebbletemplates.pebble.template.PebbleTemplate;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Renders a job's batch script with Pebble. Autoescaping is on with a shell-quoting strategy as the
 * default, so every value that reaches a script is quoted unless a template marks it {@code |raw}
 * (only the site prologue from the agent's own settings is).
 */
public final class ScriptRenderer {
  private final TemplateSet templates;
  private final PebbleEngine engine;
  private final Site site;

  public ScriptRenderer(TemplateSet templates, Site site) {
    this.templates = templates;
    this.site = site;
    this.engine =
        new PebbleEngine.Builder()
            .loader(new PathLoader(templates.root()))
            .autoEscaping(true)
            .addEscapingStrategy("shell", ShellQuote::quote)
            .defaultEscapingStrategy("shell")
            .strictVariables(true)
            .newLineTrimming(false)
            .cacheActive(true)
            .build();
  }

  public TemplateSet templates() {
    return templates;
  }

  public Site site() {
    return site;
  }

  /** The complete script for one job on one scheduler. */
  public String render(JobSpec job, ExperimentConfig config, String scheduler, String commit) {
    checkScheduler(scheduler);
    Map<String, Object> jobContext = jobContext(job);
    Map<String, Object> context = context(job, config, scheduler, commit);
    context.put("job", jobContext);
    return evaluate(
        "job.sh.peb", context, () -> terratorch(job, config), job.task().name(), scheduler);
  }

  /**
   * The script of one job array ({@code array.sh.peb}): the scheduler's directives with the range
   * ({@code 0-3%2} on SLURM, {@code 1-4%2} on LSF, whose indices start at 1), and a dispatch by the
   * scheduler's array index to the script of each member trial, already rendered beside it. Every
   * member shares the first one's task and resources.
   */
  public String renderArray(
      ArrayJob array, ExperimentConfig config, String scheduler, String commit) {
    checkScheduler(scheduler);
    JobSpec first = array.members().get(0);
    Optional<SchedulerProvider.ArraySyntax> syntax =
        SchedulerRegistry.find(scheduler).flatMap(SchedulerProvider::arrays);
    int base = syntax.map(SchedulerProvider.ArraySyntax::firstIndex).orElse(0);
    String pattern = syntax.map(SchedulerProvider.ArraySyntax::indexPattern).orElse("%a");
    int size = array.members().size();
    String indices = base + "-" + (base + size - 1);
    String slots = array.throttle() > 0 ? "%" + array.throttle() : "";
    Map<String, Object> jobContext = jobContext(first);
    jobContext.put("name", array.name());
    jobContext.put("out_file", indexed(array.outFile(), pattern));
    jobContext.put("err_file", indexed(array.errFile(), pattern));
    jobContext.put("array", indices + slots);
    jobContext.put("array_indices", indices);
    jobContext.put("array_slots", slots);
    Map<String, Object> context = context(first, config, scheduler, commit);
    context.put("job", jobContext);
    List<Map<String, Object>> trials = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      JobSpec member = array.members().get(i);
      Map<String, Object> t = new LinkedHashMap<>();
      // the scheduler's own index of the element: SLURM counts from 0, LSF from 1
      t.put("index", base + i);
      t.put("id", member.trial().id());
      t.put("script", member.script().toString());
      t.put("out_file", member.outFile().toString());
      t.put("err_file", member.errFile().toString());
      trials.add(t);
    }
    context.put("trials", trials);
    context.put("array_index", arrayIndex(scheduler));
    return evaluate(
        "array.sh.peb", context, () -> terratorch(first, config), array.name(), scheduler);
  }

  /**
   * The shell expression of a running element's index under the target scheduler alone, its
   * plug-in's variable: {@code ${SLURM_ARRAY_TASK_ID:-}}; empty for a scheduler without arrays.
   */
  private static String arrayIndex(String scheduler) {
    return SchedulerRegistry.find(scheduler)
        .flatMap(SchedulerProvider::arrays)
        .map(SchedulerProvider.ArraySyntax::indexVariable)
        .filter(v -> !v.isEmpty())
        .map(v -> "${" + v + ":-}")
        .orElse("");
  }

  /** An array's out or err file with the scheduler's own index pattern in its name. */
  private static String indexed(Path file, String pattern) {
    String name = file.getFileName().toString().replace("%a", pattern);
    return file.resolveSibling(name).toString();
  }

  private Map<String, Object> terratorch(JobSpec job, ExperimentConfig config) {
    String model = job.trial().model();
    if (model == null) {
      throw new CairnException(
          "trial " + job.trial().id() + " has no GEOFM; set GEOFM in the experiment config");
    }
    Map<String, Object> tt = TerratorchJobs.context(job.task(), model, config, templates, site);
    String dir = job.checkpointDir().toString();
    String metric = (String) Objects.requireNonNull(tt.get("monitor"), "the context's monitor");
    String mode = (String) Objects.requireNonNull(tt.get("monitor_mode"), "the monitor's mode");
    tt.put("callbacks", TerratorchContext.callbacks(dir, metric, mode, false));
    tt.put("callbacks_fit", TerratorchContext.callbacks(dir, metric, mode, true));
    return Map.of("tt", tt);
  }

  private void checkScheduler(String scheduler) {
    if (!templates.schedulers().contains(scheduler)) {
      throw new CairnException(
          "no template "
              + scheduler
              + "/header.peb in "
              + templates.origin()
              + "; the schedulers there are "
              + String.join(", ", templates.schedulers()));
    }
  }

  private Map<String, Object> context(
      JobSpec job, ExperimentConfig config, String scheduler, String commit) {
    Map<String, Object> context = new LinkedHashMap<>();
    context.put("scheduler", scheduler);
    // the job-id ladder: the target scheduler's branch, then the fallback's (the registry's last
    // plug-in, local), which reads a script run outside any scheduler (rerun-stage, a plain bash)
    context.put("job_id_schedulers", jobIdSchedulers(scheduler));
    context.put("commit", commit);
    // a trial's own values replace the lists of a sweep, so task templates read cfg.GEOFM as before
    Map<String, Object> cfg = new LinkedHashMap<>(config.values());
    cfg.putAll(job.trial().values());
    context.put("cfg", cfg);
    context.put("task", taskContext(job, config));
    context.put("trial", Map.of("id", job.trial().id(), "values", job.trial().values()));
    // the trial's data split (SPLITS), a folder <dataset>/splits/<split>/; empty when unset
    context.put("split", job.trial().values().getOrDefault("SPLITS", ""));
    context.put("res", resources(job.trial().resources()));
    Map<String, Object> siteContext = new LinkedHashMap<>();
    siteContext.put("trainer_jar", site.trainerJar() == null ? "" : site.trainerJar());
    siteContext.put(
        "terratorch_config_dir",
        site.terratorchConfigDir() == null ? "" : site.terratorchConfigDir());
    siteContext.put("agent_version", site.agentVersion());
    siteContext.put("terratorch_version", site.terratorchVersion());
    context.put("site", siteContext);
    return context;
  }

  private List<String> jobIdSchedulers(String scheduler) {
    List<SchedulerProvider> all = SchedulerRegistry.providers();
    List<String> names = new ArrayList<>(List.of(scheduler));
    if (!all.isEmpty() && !all.get(all.size() - 1).name().equals(scheduler)) {
      names.add(all.get(all.size() - 1).name());
    }
    return names.stream()
        .filter(name -> Files.isRegularFile(templates.root().resolve(name + "/job-id.peb")))
        .toList();
  }

  @SuppressWarnings("unchecked")
  private String evaluate(
      String templateName,
      Map<String, Object> context,
      Supplier<Map<String, Object>> multiLine,
      String what,
      String scheduler) {
    // a second wall behind validation: a directive or command is one line, and a newline in any
    // value (a partition, a commit, a path) would end it and start another
    refuseControlCharacters("", context);
    // the site prologue alone is lines by design: the agent owner's own file, placed raw
    ((Map<String, Object>) Objects.requireNonNull(context.get("site"), "the site context"))
        .put("prologue", site.prologue() == null ? "" : site.prologue().strip());
    // the effective TerraTorch config and the plot script are files of the templates' commit,
    // embedded whole (quoted heredocs), so they are many lines by design
    context.putAll(multiLine.get());
    try {
      PebbleTemplate template = engine.getTemplate(templateName);
      StringWriter out = new StringWriter();
      template.evaluate(out, context);
      return out.toString();
    } catch (PebbleException e) {
      throw new CairnException(
          "template error while rendering " + what + " for " + scheduler + ": " + e.getMessage());
    } catch (IOException e) {
      throw new CairnException("cannot render " + what + ": " + e.getMessage());
    }
  }

  private static void refuseControlCharacters(String prefix, Map<?, ?> values) {
    for (Map.Entry<?, ?> e : values.entrySet()) {
      String name = prefix + e.getKey();
      if (e.getValue() instanceof Map<?, ?> inner) {
        refuseControlCharacters(name + ".", inner);
      } else if (e.getValue() instanceof List<?> items) {
        for (int i = 0; i < items.size(); i++) {
          if (items.get(i) instanceof Map<?, ?> inner) {
            refuseControlCharacters(name + "[" + i + "].", inner);
          }
        }
      } else if (e.getValue() instanceof String text && Untrusted.hasControl(text)) {
        throw new CairnException(
            "the value of "
                + name
                + " holds a newline or control character ("
                + Untrusted.forLog(text)
                + "); a value in a batch script must be one plain line");
      }
    }
  }

  private static Map<String, Object> jobContext(JobSpec job) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", job.jobName());
    m.put("run_id", job.runId());
    m.put("attempt", job.attempt());
    m.put("run_dir", job.runDir().toString());
    m.put("out_file", job.outFile().toString());
    m.put("err_file", job.errFile().toString());
    m.put("output_dir", job.outputDir().toString());
    m.put("checkpoint_dir", job.checkpointDir().toString());
    m.put("array", "");
    m.put("array_indices", "");
    m.put("array_slots", "");
    m.put("stage", job.stage());
    return m;
  }

  private static Map<String, Object> taskContext(JobSpec job, ExperimentConfig config) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", job.task().name());
    m.put("summary", job.task().summary());
    m.put("dataset_path", config.datasetPaths().getOrDefault(job.task().name(), ""));
    m.put(
        "gate",
        Objects.requireNonNull(
                config.gates().get(job.task().name()), "no gate for task " + job.task().name())
            .toString());
    return m;
  }

  static Map<String, Object> resources(Resources res) {
    Map<String, Object> m = new LinkedHashMap<>();
    Duration limit = res.timeLimit();
    m.put("partition", res.partition());
    m.put("account", res.account());
    m.put("gpus", res.gpus());
    m.put("cpus", res.cpus());
    // one task per GPU (Lightning's SLURM DDP starts a rank per task), the cores shared among them
    int tasks = Math.max(1, res.gpus());
    m.put("tasks", tasks);
    m.put("cpus_per_task", Math.max(1, res.cpus() / tasks));
    m.put("mem_mb", res.memMb());
    m.put("time_seconds", limit.toSeconds());
    // each scheduler's own writing of the limits (res.slurm_time, res.lsf_time), from its plug-in
    SchedulerRegistry.providers().forEach(p -> m.putAll(p.resourceFormats(limit, res.memMb())));
    // warn the job a tenth of its time limit before the end, between 1 and 10 minutes
    m.put("signal_seconds", Math.max(60, Math.min(600, limit.toSeconds() / 10)));
    return m;
  }

  /** SLURM's writing of a time limit ({@code res.slurm_time}). */
  static String slurmTime(Duration d) {
    return (String) Objects.requireNonNull(resourceFormats("slurm", d).get("slurm_time"));
  }

  /** LSF's writing of a time limit ({@code res.lsf_time}). */
  static String lsfTime(Duration d) {
    return (String) Objects.requireNonNull(resourceFormats("lsf", d).get("lsf_time"));
  }

  private static Map<String, Object> resourceFormats(String scheduler, Duration d) {
    return SchedulerRegistry.find(scheduler).orElseThrow().resourceFormats(d, 0);
  }
}
