package dev.cairn.agent;

import dev.cairn.CairnException;
import dev.cairn.config.ExperimentConfig;
import dev.cairn.model.JobState;
import dev.cairn.plan.ArrayJob;
import dev.cairn.plan.JobSpec;
import dev.cairn.plan.Parallelism;
import dev.cairn.scheduler.JobSubmission;
import dev.cairn.scheduler.Scheduler;
import dev.cairn.scheduler.Schedulers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Submits the first attempts of a sweep's trials as job arrays where the scheduler runs them: one
 * array per task and resource shape, split at the site's limit ({@code CAIRN_MAX_ARRAY_SIZE}, else
 * the scheduler's own), their throttles adding up to at most {@code SWEEP_MAX_PARALLEL} for the
 * whole run ({@link Parallelism}): an array with no slot free waits for one. Each element keeps its
 * trial's own script and folders; a later attempt of one trial goes alone, as a plain job.
 */
final class ArraySubmitter {
  private static final Logger log = LoggerFactory.getLogger(ArraySubmitter.class);
  private final Plans plans;
  private final Schedulers schedulers;
  private final RunBook book;
  private final dev.cairn.Faults faults;

  ArraySubmitter(Plans plans, Schedulers schedulers, RunBook book, dev.cairn.Faults faults) {
    this.faults = faults;
    this.plans = plans;
    this.schedulers = schedulers;
    this.book = book;
  }

  /** Submits every array due; the jobs left NEW go one by one. */
  void submitArrays(Run run) throws InterruptedException {
    ExperimentConfig cfg = plans.of(run).config();
    int cap = cfg.sweepMaxParallel();
    // an evaluate job runs beside its array's throttled elements: with a cap, one by one keeps it
    if (!cfg.sweeps() || (cap > 0 && cfg.splitsStages())) {
      return;
    }
    Scheduler scheduler = schedulers.get(run.plannedOn());
    int limit;
    try {
      int site = plans.limits().maxArraySize();
      int own = scheduler.maxArraySize();
      limit = own <= 0 ? 0 : site > 0 ? Math.min(site, own) : own;
    } catch (IOException e) {
      log.warn("run {}: cannot learn the array size limit yet: {}", run.runId(), e.getMessage());
      return;
    }
    if (limit < 2) {
      return;
    }
    Map<String, List<JobRun>> groups = new LinkedHashMap<>();
    for (JobRun job : run.jobs()) {
      if (job.state() == JobState.NEW
          && job.schedulerId() == null
          && !job.submitting()
          && job.attempt() == 1
          && !JobSpec.EVALUATE.equals(job.stage())) {
        groups.computeIfAbsent(job.task() + " " + job.resources(), k -> new ArrayList<>()).add(job);
      }
    }
    List<ArrayJob> arrays = new ArrayList<>();
    Map<String, List<JobRun>> membersOf = new LinkedHashMap<>();
    for (List<JobRun> group : groups.values()) {
      // one trial left of a group whose other arrays went earlier (held back for a slot) still
      // goes as an array, as it would have with the others
      if (group.size() < 2 && !remainder(run, group.get(0))) {
        continue;
      }
      List<JobSpec> specs = group.stream().map(j -> plans.spec(run, j)).toList();
      int from = 0;
      for (ArrayJob array : ArrayJob.chunk(specs, limit, 0)) {
        membersOf.put(array.name(), group.subList(from, from + array.members().size()));
        from += array.members().size();
        arrays.add(array);
      }
    }
    Parallelism.Allocation allocation = Parallelism.allocate(arrays, cap, slotsInUse(run, cap));
    for (ArrayJob array : allocation.started()) {
      submit(
          run,
          scheduler,
          cfg,
          array,
          Objects.requireNonNull(membersOf.get(array.name()), "an array without its members"));
    }
    if (!allocation.held().isEmpty()) {
      log.debug(
          "run {}: {} array(s) held back until SWEEP_MAX_PARALLEL={} has a slot free",
          run.runId(),
          allocation.held().size(),
          cap);
    }
  }

  /** Whether a trial of the same task and resources already went in an array. */
  private static boolean remainder(Run run, JobRun job) {
    return run.jobs().stream()
        .anyMatch(
            j ->
                j != job
                    && j.arrayIndex() != null
                    && j.attempt() == 1
                    && j.task().equals(job.task())
                    && j.resources().equals(job.resources()));
  }

  /**
   * The slots the run's trials in the scheduler take: one per job of its own, and per array the
   * fewer of its throttle and its elements not yet ended.
   */
  static int slotsInUse(Run run, int cap) {
    Map<String, int[]> arrays = new LinkedHashMap<>();
    int used = 0;
    for (JobRun job : run.jobs()) {
      if ((job.schedulerId() == null && !job.submitting()) || job.isDone()) {
        continue;
      }
      if (job.arrayIndex() != null && !JobSpec.EVALUATE.equals(job.stage())) {
        int slots = job.arraySlots() == null || job.arraySlots() <= 0 ? cap : job.arraySlots();
        arrays.computeIfAbsent(job.jobName(), k -> new int[] {0, slots})[0]++;
      } else {
        used++;
      }
    }
    for (int[] a : arrays.values()) {
      used += Math.min(a[0], a[1]);
    }
    return used;
  }

  private void submit(
      Run run, Scheduler scheduler, ExperimentConfig cfg, ArrayJob array, List<JobRun> members)
      throws InterruptedException {
    try {
      String script = plans.renderer(run).renderArray(array, cfg, scheduler.name(), run.commit());
      Files.createDirectories(array.script().getParent());
      Path tmp = array.script().resolveSibling(array.script().getFileName() + ".tmp");
      Files.writeString(tmp, script);
      Files.move(tmp, array.script(), StandardCopyOption.REPLACE_EXISTING);
      Files.createDirectories(array.outFile().getParent());
      Files.createDirectories(array.errFile().getParent());
      for (JobSpec spec : array.members()) {
        Files.createDirectories(spec.outFile().getParent());
        Files.createDirectories(spec.errFile().getParent());
        Files.createDirectories(spec.outputDir());
        Files.createDirectories(spec.checkpointDir());
      }
    } catch (IOException | CairnException e) {
      log.warn("run {}: cannot write the array {}: {}", run.runId(), array.name(), e.getMessage());
      return; // the trials go one by one instead
    }
    List<JobRun> placed = new ArrayList<>();
    for (int i = 0; i < members.size(); i++) {
      JobRun job = members.get(i);
      placed.add(run.replace(job, job.arrayElement(array.name(), i, array.throttle())));
    }
    book.save(run);
    try {
      faults.at("submit");
      String id =
          scheduler.submit(
              new JobSubmission(
                  array.name(),
                  array.script(),
                  array.members().get(0).runDir(),
                  array.outFile(),
                  array.errFile(),
                  Map.of()));
      faults.at("submitted");
      for (int i = 0; i < placed.size(); i++) {
        JobRun job = placed.get(i);
        run.replace(job, job.submitted(scheduler.arrayElementId(id, i)));
      }
      run.says("jobs submitted to " + run.scheduler());
      book.save(run);
      log.info(
          "run {}: {} trial(s) of {} submitted as {} array {} ({})",
          run.runId(),
          members.size(),
          members.get(0).task(),
          run.scheduler(),
          id,
          array.range());
    } catch (CairnException e) {
      String reason = Submitter.refusal(e);
      for (JobRun job : placed) {
        run.replace(job, job.submissionRefused(reason));
      }
      book.save(run);
      log.warn("run {}: array {}: {}", run.runId(), array.name(), reason);
    } catch (IOException e) {
      // it may or may not have reached the scheduler: the flags stay, recovery looks it up
      log.warn("run {}: submitting array {} failed: {}", run.runId(), array.name(), e.getMessage());
    }
  }
}
