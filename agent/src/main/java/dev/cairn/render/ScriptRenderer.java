package dev.cairn.render;

import dev.cairn.CairnException;
import dev.cairn.Untrusted;
import dev.cairn.config.ExperimentConfig;
import dev.cairn.plan.JobSpec;
import io.pebbletemplates.pebble.PebbleEngine;
import io.pebbletemplates.pebble.error.PebbleException;
import io.pebbletemplates.pebble.template.PebbleTemplate;
import java.io.IOException;
import java.io.StringWriter;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

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

  Site site() {
    return site;
  }

  /** The complete script for one job on one scheduler. */
  public String render(JobSpec job, ExperimentConfig config, String scheduler, String commit) {
    if (!templates.schedulers().contains(scheduler)) {
      throw new CairnException(
          "no template "
              + scheduler
              + "/header.peb in "
              + templates.origin()
              + "; the schedulers there are "
              + String.join(", ", templates.schedulers()));
    }
    Map<String, Object> context = new LinkedHashMap<>();
    context.put("scheduler", scheduler);
    context.put("commit", commit);
    context.put("cfg", config.values());
    context.put("job", jobContext(job));
    context.put("task", taskContext(job, config));
    context.put("res", resources(config));
    Map<String, Object> siteContext = new LinkedHashMap<>();
    siteContext.put("trainer_jar", site.trainerJar() == null ? "" : site.trainerJar());
    siteContext.put(
        "terratorch_config_dir",
        site.terratorchConfigDir() == null ? "" : site.terratorchConfigDir());
    siteContext.put("agent_version", site.agentVersion());
    siteContext.put("terratorch_version", site.terratorchVersion());
    context.put("site", siteContext);
    // a second wall behind validation: a directive or command is one line, and a newline in any
    // value (a partition, a commit, a path) would end it and start another
    refuseControlCharacters("", context);
    // the site prologue alone is lines by design: the agent owner's own file, placed raw
    siteContext.put("prologue", site.prologue() == null ? "" : site.prologue().strip());
    // the effective TerraTorch config and the plot script are files of the templates' commit,
    // embedded whole (quoted heredocs), so they are many lines by design
    context.put("tt", TerratorchContext.of(job.task(), config, templates, site));
    try {
      PebbleTemplate template = engine.getTemplate("job.sh.peb");
      StringWriter out = new StringWriter();
      template.evaluate(out, context);
      return out.toString();
    } catch (PebbleException e) {
      throw new CairnException(
          "template error while rendering "
              + job.task().name()
              + " for "
              + scheduler
              + ": "
              + e.getMessage());
    } catch (IOException e) {
      throw new CairnException("cannot render " + job.task().name() + ": " + e.getMessage());
    }
  }

  private static void refuseControlCharacters(String prefix, Map<?, ?> values) {
    for (Map.Entry<?, ?> e : values.entrySet()) {
      String name = prefix + e.getKey();
      if (e.getValue() instanceof Map<?, ?> inner) {
        refuseControlCharacters(name + ".", inner);
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
    return m;
  }

  private static Map<String, Object> taskContext(JobSpec job, ExperimentConfig config) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", job.task().name());
    m.put("summary", job.task().summary());
    m.put("dataset_path", config.datasetPaths().getOrDefault(job.task().name(), ""));
    m.put("gate", config.gates().get(job.task().name()).toString());
    return m;
  }

  static Map<String, Object> resources(ExperimentConfig config) {
    Map<String, Object> m = new LinkedHashMap<>();
    Duration limit = config.timeLimit();
    m.put("partition", config.partition());
    m.put("account", config.account());
    m.put("gpus", config.gpusPerJob());
    m.put("cpus", config.cpusPerJob());
    m.put("mem_mb", config.memoryMb());
    m.put("time_seconds", limit.toSeconds());
    m.put("slurm_time", slurmTime(limit));
    m.put("lsf_time", lsfTime(limit));
    // warn the job a tenth of its time limit before the end, between 1 and 10 minutes
    m.put("signal_seconds", Math.max(60, Math.min(600, limit.toSeconds() / 10)));
    return m;
  }

  /** {@code D-HH:MM:SS} or {@code HH:MM:SS}, as sbatch's --time takes it. */
  static String slurmTime(Duration d) {
    long s = d.toSeconds();
    long days = s / 86_400;
    String hms = String.format("%02d:%02d:%02d", (s % 86_400) / 3600, (s % 3600) / 60, s % 60);
    return days > 0 ? days + "-" + hms : hms;
  }

  /** {@code HH:MM} (rounded up to the minute), as bsub's -W takes it. */
  static String lsfTime(Duration d) {
    long minutes = (d.toSeconds() + 59) / 60;
    return String.format("%d:%02d", minutes / 60, minutes % 60);
  }
}
