package dev.cairn.publish;

import dev.cairn.Untrusted;
import dev.cairn.collect.JobOutputs;
import dev.cairn.config.ExperimentConfig;
import dev.cairn.config.QualityGate;
import dev.cairn.model.EarlyStopRecord;
import dev.cairn.model.JobRecord;
import dev.cairn.model.RunRecord;
import dev.cairn.report.Clusters;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** {@code summary.md} of a results commit: what ran, how it ended, and where the outputs are. */
final class Summary {
  private Summary() {}

  static String render(RunRecord run) throws IOException {
    StringBuilder md = new StringBuilder();
    md.append("# ").append(run.runId()).append("\n\n");
    md.append("| | |\n| --- | --- |\n");
    row(md, "state", "**" + run.outcome() + "**: " + escape(run.outcomeMessage()));
    row(
        md,
        "config commit",
        "`"
            + run.commit()
            + "` "
            + (run.verified() == null ? "(not verified)" : escape(run.verified().subject())));
    if (run.verified() != null) {
      row(md, "branch", escape(run.verified().branch()));
      row(md, "author", escape(run.verified().authorName()));
    }
    ExperimentConfig config = ResultsPublisher.config(run);
    Map<String, List<String>> sweep = config.sweep();
    row(
        md,
        "model",
        "`"
            + String.join("`, `", sweep.get("GEOFM"))
            + "`, trainer `"
            + config.trainer()
            + "`, "
            + String.join("/", sweep.get("EPOCHS"))
            + " epochs, seed "
            + String.join("/", sweep.get("SEED")));
    row(
        md,
        "scheduler",
        config.scheduler()
            + (config.partition().isEmpty() ? "" : ", partition " + config.partition()));
    row(md, "received", escape(run.receivedAt()));
    row(md, "finished", escape(run.finishedAt()));
    md.append(run.jobs().size() > config.tasks().size() ? "\n## Trials\n\n" : "\n## Tasks\n\n");
    boolean routed = run.jobs().stream().anyMatch(j -> j.cluster() != null);
    md.append(
        routed
            ? "| task | cluster | state | attempts | quality gate | metrics | elapsed | CPU time | peak memory | GPU hours | GPU use |\n"
            : "| task | state | attempts | quality gate | metrics | elapsed | CPU time | peak memory | GPU hours | GPU use |\n");
    md.append("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
        .append(routed ? " --- |\n" : "\n");
    for (JobRecord job : run.jobs()) {
      QualityGate gate = job.gate();
      Double value = job.gateValue();
      String gateCell =
          job.stoppedEarly()
              ? gate + " not checked (stopped early)"
              : gate
                  + " "
                  + (job.gatePassed() == null ? "-" : job.gatePassed() ? "passed" : "**missed**")
                  + (value == null ? "" : String.format(Locale.ROOT, " (%.4f)", value));
      md.append("| ").append(job.trial()).append(" | ");
      if (routed) {
        md.append(job.cluster() == null ? "-" : escape(job.cluster())).append(" | ");
      }
      md.append(state(job))
          .append(" | ")
          .append(job.attempts())
          .append(" | ")
          .append(gateCell)
          .append(" | ")
          .append(metrics(job.metrics()))
          .append(" | ")
          .append(duration(job.elapsedS()))
          .append(" | ")
          .append(duration(job.cpuS()))
          .append(" | ")
          .append(job.maxRssMb() == null ? "-" : job.maxRssMb() + " MiB")
          .append(" | ")
          .append(gpuHours(job))
          .append(" | ")
          .append(
              job.gpuUtilPct() == null
                  ? "-"
                  : job.gpuUtilPct() + " %, " + job.gpuMemMb() + " MiB peak")
          .append(" |\n");
    }
    if (routed) {
      clusters(md, run);
    }
    EarlyStopRecord early = run.earlyStop();
    if (early != null) {
      md.append("\n## Early stopping\n\n");
      md.append(early.stopped())
          .append(" of ")
          .append(run.jobs().size())
          .append(" trial(s) stopped early (not failures: their checkpoints are kept); ")
          .append(early.epochsRun())
          .append(" of ")
          .append(early.epochsPlanned())
          .append(" epochs trained")
          .append(String.format(Locale.ROOT, " (%.1f %%)", early.epochShare() * 100))
          .append(String.format(Locale.ROOT, "; %.2f h of training", early.secondsSpent() / 3600))
          .append(
              String.format(
                  Locale.ROOT,
                  " against %.2f h estimated for the full grid, %.2f h saved.",
                  early.fullGridSeconds() / 3600,
                  early.secondsSaved() / 3600))
          .append(" report.md shows who went on and who stopped at each rung.\n");
    }
    md.append("\n## Outputs\n\n");
    md.append("`err/`, `out/` and `predictions/` are versioned with DVC (`err.dvc`, `out.dvc`,\n");
    md.append(
        "`predictions.dvc`); get them with `agent.jar pull` or `dvc pull` after checking out this commit.\n");
    for (JobRecord job : run.jobs()) {
      Path dir =
          java.util.Objects.requireNonNull(run.runDir(), "a run without its folder")
              .resolve("predictions")
              .resolve(job.trial());
      List<String> images = JobOutputs.images(dir);
      if (images.isEmpty()) {
        continue;
      }
      md.append("\n").append(job.trial()).append(":\n\n");
      for (String image : images) {
        String rel = "predictions/" + job.trial() + "/" + image;
        md.append("- [").append(rel).append("](").append(rel).append(")\n");
      }
    }
    return md.toString();
  }

  /**
   * What each cluster's agent ran and spent: GPU-hours, or CPU-hours where none of its trials had a
   * GPU, as the report counts them.
   */
  private static void clusters(StringBuilder md, RunRecord run) {
    md.append("\n## Cost per cluster\n\n");
    md.append("| cluster | trials | elapsed | cost |\n| --- | --- | --- | --- |\n");
    for (Clusters.Cost c : Clusters.costs(ReportInputs.of(run).trials())) {
      md.append("| ")
          .append(escape(c.cluster()))
          .append(" | ")
          .append(c.trials())
          .append(" | ")
          .append(duration(c.elapsedS()))
          .append(" | ")
          .append(
              c.hours() == null ? "-" : String.format(Locale.ROOT, "%.2f %s", c.hours(), c.unit()))
          .append(" |\n");
    }
  }

  /**
   * The state cell: the state and why; a trial early stopping stopped reads "stopped early after N
   * epoch(s)", which no one takes for a failure.
   */
  private static String state(JobRecord job) {
    if (job.stoppedEarly()) {
      String reason = job.reason();
      String why = reason == null ? null : reason.replaceFirst("^stopped early: ", "");
      return "stopped early"
          + (job.epochsRun() == null ? "" : " after " + job.epochsRun() + " epoch(s)")
          + (why == null ? "" : " (" + escape(why) + ")");
    }
    return job.state() + (job.reason() == null ? "" : " (" + escape(job.reason()) + ")");
  }

  private static void row(StringBuilder md, String key, String value) {
    md.append("| ").append(key).append(" | ").append(value).append(" |\n");
  }

  private static String metrics(Map<String, Double> m) {
    if (m == null || m.isEmpty()) {
      return "-";
    }
    StringBuilder sb = new StringBuilder();
    m.forEach(
        (k, v) ->
            sb.append(sb.length() == 0 ? "" : ", ")
                .append(k)
                .append(String.format(Locale.ROOT, " %.4f", v)));
    return sb.toString();
  }

  private static String duration(@Nullable Long seconds) {
    if (seconds == null) {
      return "-";
    }
    return seconds < 120
        ? seconds + " s"
        : String.format(Locale.ROOT, "%d min %02d s", seconds / 60, seconds % 60);
  }

  private static String gpuHours(JobRecord job) {
    if (job.gpus() == null || job.gpus() == 0 || job.elapsedS() == null) {
      return "-";
    }
    return String.format(Locale.ROOT, "%.2f", job.gpus() * job.elapsedS() / 3600.0);
  }

  /**
   * Text as literal Markdown in a table cell: one line, every character Markdown or HTML could read
   * as markup escaped (so {@code <img onerror=...>} shows as text, links do not link).
   */
  static String escape(@Nullable String s) {
    return Untrusted.withEntities(
        Untrusted.oneLine(s, 1000),
        (sb, c) -> {
          if ("\\`*_{}[]()#+!|~".indexOf(c) >= 0) {
            sb.append('\\');
          }
          sb.append(c);
        });
  }
}
