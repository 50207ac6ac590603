package dev.cairn.publish;

import dev.cairn.Faults;
import dev.cairn.Json;
import dev.cairn.Untrusted;
import dev.cairn.config.ExperimentConfig;
import dev.cairn.dvc.DvcConfig;
import dev.cairn.dvc.DvcFile;
import dev.cairn.dvc.DvcGitignore;
import dev.cairn.dvc.DvcHashCache;
import dev.cairn.dvc.DvcOutput;
import dev.cairn.dvc.DvcTree;
import dev.cairn.dvc.DvcWriter;
import dev.cairn.git.GitClone;
import dev.cairn.git.GitPublisher;
import dev.cairn.model.JobRecord;
import dev.cairn.model.OutputEntry;
import dev.cairn.model.RunRecord;
import dev.cairn.model.ShareRecord;
import dev.cairn.model.StoreKeys;
import dev.cairn.report.Reports;
import dev.cairn.report.RunRecords;
import dev.cairn.report.RunReport;
import dev.cairn.store.ObjectStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Versions a finished run: uploads {@code err/}, {@code out/} and {@code predictions/} to the DVC
 * remote in the object store (file objects first, manifests last), then commits {@code
 * results/<run-id>/} (the three {@code .dvc} files, {@code config.env}, {@code run.json}, {@code
 * summary.md}, the report with its charts) and {@code .dvc/config} and pushes it.
 */
public final class ResultsPublisher implements RunPublisher {
  private static final Logger log = LoggerFactory.getLogger(ResultsPublisher.class);
  static final List<String> OUTPUTS = List.of("err", "out", "predictions");
  static final String CHECKPOINTS = "checkpoints";
  static final String HASHES = ".dvc-hashes";
  private final Faults faults;
  private final ObjectStore store;
  private final DvcConfig.Remote remote;
  private final GitPublisher git;
  private final String branch;
  private final String agentVersion;
  private final Map<String, String> templateHashes;
  private final GitClone history;

  /**
   * @param remote the DVC remote as users reach it: name, url ({@code s3://bucket/prefix/dvc}) and
   *     endpoint (null on AWS and for folders)
   * @param history the clone whose branch holds the earlier runs, for the report's baseline; null
   *     for none
   */
  public ResultsPublisher(
      ObjectStore store,
      DvcConfig.Remote remote,
      GitPublisher git,
      String branch,
      String agentVersion,
      Map<String, String> templateHashes,
      GitClone history) {
    this(store, remote, git, branch, agentVersion, templateHashes, history, Faults.NONE);
  }

  /** As above, marking its steps in {@code faults} for the crash tests. */
  public ResultsPublisher(
      ObjectStore store,
      DvcConfig.Remote remote,
      GitPublisher git,
      String branch,
      String agentVersion,
      Map<String, String> templateHashes,
      GitClone history,
      Faults faults) {
    this.faults = faults;
    this.history = history;
    this.store = store;
    this.remote = remote;
    this.git = git;
    this.branch = branch;
    this.agentVersion = agentVersion;
    this.templateHashes = templateHashes;
  }

  /** The config of a run that publishes results: only a run that read its config gets this far. */
  static ExperimentConfig config(RunRecord run) {
    return java.util.Objects.requireNonNull(
        run.config(), () -> "run " + run.runId() + " has no config to publish results of");
  }

  /** The run's DVC outputs: err, out, predictions, and its checkpoints where the config asks. */
  static List<String> outputs(RunRecord run) {
    if (!config(run).publishesCheckpoints()) {
      return OUTPUTS;
    }
    List<String> all = new java.util.ArrayList<>(OUTPUTS);
    all.add(CHECKPOINTS);
    return all;
  }

  @Override
  public String publish(RunRecord run) throws IOException {
    Path runDir = java.util.Objects.requireNonNull(run.runDir(), "a run without its folder");
    Path staging = staging(runDir);
    // a second publish of the same outputs (after a failed push, a restart) reads none of them
    DvcWriter writer = writer(runDir);
    Map<String, String> hashes = new LinkedHashMap<>();
    for (String name : outputs(run)) {
      Path dir = runDir.resolve(name);
      Files.createDirectories(dir);
      DvcOutput out = writer.add(dir, staging.resolve("results"), name);
      hashes.put(name, out.md5());
      faults.at("dvc-upload");
    }
    Map<String, byte[]> ran = new LinkedHashMap<>();
    // what ran: the rendered scripts, and the TerraTorch task configs and plot script the jobs
    // wrote
    for (String folder : List.of("scripts", "terratorch")) {
      for (Path file : plainFiles(runDir.resolve(folder))) {
        ran.put(folder + "/" + file.getFileName(), Files.readAllBytes(file));
      }
    }
    String rel = StoreKeys.resultsDir(run.runId());
    String sha = git.publish(branch, rel, files(run, hashes, staging, ran), message(run));
    deleteTree(staging);
    log.info("run {}: outputs versioned in {}, results commit {}", run.runId(), remote.url(), sha);
    return sha;
  }

  @Override
  public ShareOutputs versionShare(RunRecord run) throws IOException {
    Path runDir = java.util.Objects.requireNonNull(run.runDir(), "a run without its folder");
    DvcWriter writer = writer(runDir);
    DvcHashCache cache = DvcHashCache.open(runDir.resolve(HASHES));
    Map<String, List<OutputEntry>> outputs = new LinkedHashMap<>();
    for (String name : outputs(run)) {
      Path dir = runDir.resolve(name);
      Files.createDirectories(dir);
      DvcTree tree = DvcTree.hash(dir, cache, Runtime.getRuntime().availableProcessors());
      cache.save();
      writer.upload(tree);
      outputs.put(
          name,
          tree.files().stream().map(f -> new OutputEntry(f.relpath(), f.md5(), f.size())).toList());
      faults.at("share-upload");
    }
    Map<String, String> files = new LinkedHashMap<>();
    for (String folder : List.of("scripts", "terratorch")) {
      for (Path file : plainFiles(runDir.resolve(folder))) {
        files.put(
            folder + "/" + file.getFileName(),
            new String(Files.readAllBytes(file), StandardCharsets.UTF_8));
      }
    }
    return new ShareOutputs(outputs, files);
  }

  @Override
  public String publishShared(RunRecord run, List<ShareRecord> ends) throws IOException {
    Path runDir = java.util.Objects.requireNonNull(run.runDir(), "a run without its folder");
    Path staging = staging(runDir);
    DvcWriter writer = new DvcWriter(store, "dvc", 8);
    Map<String, String> hashes = new LinkedHashMap<>();
    for (String name : outputs(run)) {
      List<DvcTree.File> all = new ArrayList<>();
      for (ShareRecord end : ends) {
        end.outputs()
            .getOrDefault(name, List.of())
            .forEach(e -> all.add(new DvcTree.File(e.relpath(), e.md5(), e.size())));
      }
      DvcTree tree = DvcTree.of(all);
      // every file object was uploaded by the agent that ran its trial: this checks each is there
      writer.upload(tree);
      DvcOutput out = tree.output(name);
      DvcFile.write(staging.resolve("results/" + name + ".dvc"), out);
      DvcGitignore.add(staging.resolve("results"), name);
      hashes.put(name, out.md5());
      faults.at("dvc-upload");
    }
    Map<String, byte[]> ran = new java.util.TreeMap<>();
    for (ShareRecord end : ends) {
      end.files().forEach((k, v) -> ran.putIfAbsent(k, v.getBytes(StandardCharsets.UTF_8)));
    }
    String rel = StoreKeys.resultsDir(run.runId());
    String sha =
        git.publishOnce(
            branch, rel, files(run, hashes, staging, ran), message(run), rel + "/run.json");
    deleteTree(staging);
    log.info(
        "run {}: {} cluster(s) merged, outputs in {}, results commit {}",
        run.runId(),
        ends.size(),
        remote.url(),
        sha);
    return sha;
  }

  private static Path staging(Path runDir) throws IOException {
    Path staging = runDir.resolve(".publish");
    deleteTree(staging);
    Files.createDirectories(staging.resolve("results"));
    return staging;
  }

  private DvcWriter writer(Path runDir) throws IOException {
    return new DvcWriter(store, "dvc", 8).withHashCache(DvcHashCache.open(runDir.resolve(HASHES)));
  }

  /**
   * The results commit's files: the {@code .dvc} files staged by the outputs' versioning, the
   * config, provenance, summary, report, what ran ({@code ran}, by path in the results folder) and
   * the DVC config.
   */
  private Map<String, byte[]> files(
      RunRecord run, Map<String, String> hashes, Path staging, Map<String, byte[]> ran)
      throws IOException {
    DvcConfig.write(staging, remote.name(), remote.url(), remote.endpointUrl());
    String rel = StoreKeys.resultsDir(run.runId());
    Map<String, byte[]> files = new LinkedHashMap<>();
    for (String name : hashes.keySet()) {
      files.put(
          rel + "/" + name + ".dvc",
          Files.readAllBytes(staging.resolve("results/" + name + ".dvc")));
    }
    files.put(rel + "/.gitignore", Files.readAllBytes(staging.resolve("results/.gitignore")));
    files.put(rel + "/config.env", config(run).content());
    RunReport report = ReportInputs.of(run);
    RunReport baseline = ReportInputs.baseline(history, branch, report);
    files.put(
        rel + "/run.json",
        Json.MAPPER.writeValueAsBytes(provenance(run, hashes, report, baseline)));
    files.put(rel + "/summary.md", Summary.render(run).getBytes(StandardCharsets.UTF_8));
    ran.forEach((name, bytes) -> files.put(rel + "/" + name, bytes));
    if (config(run).sweeps()) {
      // one folder per trial, so a comparison reads results/<run-id>/<trial>/ side by side
      for (JobRecord job : run.jobs()) {
        files.put(
            rel + "/" + job.trial() + "/trial.json",
            Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(trial(job)));
      }
    }
    try {
      Reports.files(report, baseline).forEach((name, bytes) -> files.put(rel + "/" + name, bytes));
    } catch (RuntimeException | LinkageError e) {
      // the results matter more than their report: commit them without it
      log.warn("run {}: cannot draw the report: {}", run.runId(), e.toString());
    }
    files.put(".dvc/config", Files.readAllBytes(staging.resolve(".dvc/config")));
    files.put(".dvc/.gitignore", Files.readAllBytes(staging.resolve(".dvc/.gitignore")));
    return files;
  }

  /**
   * First line: run and config subject; body: why it ended, then the config commit and state, for
   * `git log`. The subject is the verified commit's (never request.json's), and every part is one
   * line, so no text can add a line that reads as a trailer.
   */
  static String message(RunRecord run) {
    // a verified commit may lack a subject (records written before it was kept): no subject then
    String subject =
        run.verified() == null ? null : Untrusted.oneLine(run.verified().subject(), 120);
    String why = Untrusted.oneLine(run.outcomeMessage(), 1000);
    return "Results of "
        + run.runId()
        + (subject == null || subject.isEmpty() ? "" : ": " + subject)
        + "\n\n"
        + (why == null || why.isEmpty() ? "" : why + "\n\n")
        + "Config commit: "
        + run.commit()
        + "\n"
        + "Run state: "
        + run.outcome()
        + "\n";
  }

  private Map<String, Object> provenance(
      RunRecord run, Map<String, String> hashes, RunReport report, @Nullable RunReport baseline) {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("schema", 1);
    p.put("run_id", run.runId());
    p.put("state", (run.outcome() == null ? run.state() : run.outcome()).name());
    p.put("message", run.outcomeMessage());
    p.put("config_commit", run.commit());
    p.put("config_sha256", run.configSha256());
    // only what provenance proved through Git and the agent's own clock: request.json is not
    // evidence of anything
    if (run.verified() != null) {
      p.put("branch", run.verified().branch());
      p.put("author", Untrusted.oneLine(run.verified().authorName(), 200));
      p.put("author_email", Untrusted.oneLine(run.verified().authorEmail(), 200));
      p.put("committed_at", run.verified().committedAt());
    }
    p.put("attempt", run.attempt());
    p.put("received_at", run.receivedAt());
    p.put("finished_at", run.finishedAt());
    p.put("subject", report.subject());
    p.put("baseline", report.baseline());
    p.put("baseline_run", baseline == null ? null : baseline.runId());
    p.put("scheduler", run.scheduler());
    Map<String, Object> jobs = new LinkedHashMap<>();
    for (JobRecord job : run.jobs()) {
      Map<String, Object> j = trial(job);
      report.trials().stream()
          .filter(t -> t.trialId().equals(job.trial()))
          .findFirst()
          .map(RunRecords::jobFields)
          .ifPresent(j::putAll);
      jobs.put(job.trial(), j);
    }
    p.put("gate_rule", config(run).gateRule());
    p.put("jobs", jobs);
    if (report.earlyStop() != null) {
      p.put("early_stop", RunRecords.earlyStopFields(report, report.earlyStop()));
    }
    p.put("outputs", hashes);
    p.put("dvc_remote", remote.url());
    p.put("templates_sha256", templateHashes);
    p.put("agent_version", agentVersion);
    return p;
  }

  /** One trial as {@code run.json} and its {@code <trial>/trial.json} list it. */
  static Map<String, Object> trial(JobRecord job) {
    List<String> ids = new ArrayList<>();
    job.history().forEach(a -> ids.add(a.schedulerId()));
    Map<String, Object> j = new LinkedHashMap<>();
    j.put("task", job.task());
    j.put("values", job.values());
    j.put("resources", job.resources());
    j.put("scheduler_job_ids", ids);
    j.put("state", job.state().name());
    j.put("reason", job.reason());
    j.put("attempts", job.attempts());
    j.put("metrics", job.metrics());
    j.put("gate", job.gate() == null ? null : job.gate().toString());
    j.put("gate_passed", job.gatePassed());
    if (job.epochsRun() != null) {
      j.put("epochs_run", job.epochsRun());
    }
    if (job.cluster() != null) {
      j.put("cluster", job.cluster());
    }
    return j;
  }

  private static List<Path> plainFiles(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .filter(Files::isRegularFile)
          .filter(f -> !f.getFileName().toString().endsWith(".tmp"))
          .sorted()
          .toList();
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
        Files.delete(p);
      }
    }
  }
}
