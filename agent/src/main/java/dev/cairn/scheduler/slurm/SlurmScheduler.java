package dev.cairn.scheduler.slurm;

import dev.cairn.CairnException;
import dev.cairn.model.JobState;
import dev.cairn.scheduler.CommandRunner;
import dev.cairn.scheduler.JobStatus;
import dev.cairn.scheduler.JobSubmission;
import dev.cairn.scheduler.Scheduler;
import dev.cairn.scheduler.SchedulerRefused;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * SLURM through its commands: {@code sbatch --parsable --export=NONE}, one {@code squeue} per
 * status query for all jobs, {@code sacct} (or {@code scontrol} where accounting is off) for jobs
 * squeue no longer lists, {@code scancel}.
 */
public final class SlurmScheduler implements Scheduler {

  private static final String INVALID_JOB_ID = "Invalid job id specified";
  private static final String ACCOUNTING_DISABLED = "accounting storage is disabled";

  private final CommandRunner runner;
  private final SlurmOptions options;

  /** How far back sacct looks: longer than any run lasts. */
  static final String SACCT_SINCE = "now-60days";

  /** Null until the first job missing from squeue asks whether sacct can answer. */
  private volatile @Nullable Boolean accounting;

  private volatile @Nullable Integer maxArraySize;

  public SlurmScheduler(CommandRunner runner, SlurmOptions options) {
    this.runner = runner;
    this.options = options;
  }

  @Override
  public String name() {
    return SlurmProvider.NAME;
  }

  @Override
  public String submit(JobSubmission submission) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(options.sbatch(), "--parsable"));
    command.add(exportArgument(submission.environment()));
    if (submission.workDir() != null) {
      command.add("--chdir=" + submission.workDir());
    }
    if (submission.afterOk() != null) {
      command.add("--dependency=afterok:" + submission.afterOk());
    }
    command.addAll(options.extraSbatchArgs());
    command.add(submission.script().toString());
    CommandRunner.Result result = run(command);
    if (!result.ok()) {
      if (unreachable(result)) {
        throw new IOException(result.describe());
      }
      throw new SchedulerRefused(
          "SLURM refused job "
              + submission.jobName()
              + ": "
              + result.describe()
              + "; check the partition, account and resources in the settings");
    }
    try {
      return SlurmOutput.parsable(result.stdout());
    } catch (IllegalArgumentException e) {
      throw new IOException(result.describe() + ": " + e.getMessage(), e);
    }
  }

  /**
   * {@code --export=NONE} keeps the agent's environment from the job (the job starts from the
   * user's login environment on the node); the submission's own variables are added to it.
   */
  static String exportArgument(Map<String, String> environment) {
    StringBuilder export = new StringBuilder("--export=NONE");
    environment.forEach(
        (key, value) -> {
          if (value.contains(",")) {
            throw new CairnException(
                "job variable "
                    + key
                    + " cannot be passed by sbatch --export (its value holds a comma); set it in"
                    + " the script instead");
          }
          export.append(',').append(key).append('=').append(value);
        });
    return export.toString();
  }

  /**
   * The most elements of one job array: {@code MaxArraySize} from {@code scontrol show config}
   * (indices run from 0 to one less), asked once.
   */
  @Override
  public int maxArraySize() throws IOException, InterruptedException {
    Integer known = maxArraySize;
    if (known == null) {
      CommandRunner.Result result = run(List.of(options.scontrol(), "show", "config"));
      if (!result.ok()) {
        throw new IOException(result.describe());
      }
      known = SlurmOutput.maxArraySize(result.stdout());
      maxArraySize = known;
    }
    return known;
  }

  /** {@code sinfo --noheader --format=%R}: the partition names, without the default's star. */
  @Override
  public List<String> partitions() throws IOException, InterruptedException {
    CommandRunner.Result result =
        run(List.of(options.sinfo(), "--noheader", "--format=" + SlurmOutput.SINFO_FORMAT));
    if (!result.ok()) {
      throw new IOException(result.describe());
    }
    return SlurmOutput.partitions(result.stdout());
  }

  @Override
  public String arrayElementId(String arrayId, int index) {
    return arrayId + "_" + index;
  }

  @Override
  public Map<String, JobStatus> status(Collection<String> schedulerIds)
      throws IOException, InterruptedException {
    Set<String> ids = new LinkedHashSet<>(schedulerIds);
    Map<String, JobStatus> found = new LinkedHashMap<>();
    if (ids.isEmpty()) {
      return found;
    }
    for (SlurmOutput.Row row : squeue("--jobs=" + String.join(",", ids))) {
      if (ids.contains(row.id())) {
        found.put(row.id(), row.status());
      }
    }
    List<String> missing = ids.stream().filter(id -> !found.containsKey(id)).toList();
    if (missing.isEmpty()) {
      return found;
    }
    for (SlurmOutput.Row row : ended(missing)) {
      if (ids.contains(row.id())) {
        found.put(row.id(), row.status());
      }
    }
    // squeue answered and so did accounting or scontrol: a job none of them knows is gone
    for (String id : missing) {
      found.computeIfAbsent(
          id,
          gone -> new JobStatus(gone, JobState.LOST, "unknown to SLURM", null, null, null, null));
    }
    return found;
  }

  @Override
  public Optional<String> findByName(String jobName) throws IOException, InterruptedException {
    List<SlurmOutput.Row> rows = new ArrayList<>(squeue("--name=" + jobName));
    if (rows.stream().noneMatch(row -> row.name().equals(jobName))) {
      rows.addAll(accountingWorks() ? sacct("--name=" + jobName) : scontrol(null));
    }
    return rows.stream()
        .filter(row -> row.name().equals(jobName))
        .map(SlurmOutput.Row::id)
        .max(Comparator.comparingLong(id -> Long.parseLong(id.split("_", 2)[0])));
  }

  @Override
  public void cancel(Collection<String> schedulerIds) throws IOException, InterruptedException {
    if (schedulerIds.isEmpty()) {
      return;
    }
    List<String> command = new ArrayList<>(List.of(options.scancel()));
    command.addAll(new LinkedHashSet<>(schedulerIds));
    CommandRunner.Result result = run(command);
    if (!result.ok() && !result.stderr().contains(INVALID_JOB_ID)) {
      throw new IOException(result.describe());
    }
  }

  private List<SlurmOutput.Row> squeue(String selection) throws IOException, InterruptedException {
    CommandRunner.Result result =
        run(
            List.of(
                options.squeue(),
                "--noheader",
                "--states=all",
                "--array",
                selection,
                "--Format=" + SlurmOutput.SQUEUE_FORMAT));
    if (!result.ok()) {
      // squeue fails this way when none of the listed jobs is known any more
      if (result.stderr().contains(INVALID_JOB_ID)) {
        return List.of();
      }
      throw new IOException(result.describe());
    }
    return parse(result, SlurmOutput::squeue);
  }

  /** Jobs squeue no longer lists: from accounting where it is kept, else from scontrol. */
  private List<SlurmOutput.Row> ended(List<String> ids) throws IOException, InterruptedException {
    if (accountingWorks()) {
      return sacct("--jobs=" + String.join(",", ids));
    }
    return scontrol(ids.size() == 1 ? ids.get(0) : null);
  }

  private boolean accountingWorks() throws IOException, InterruptedException {
    Boolean known = accounting;
    if (known == null) {
      CommandRunner.Result result =
          run(List.of(options.sacct(), "-X", "-P", "-n", "--jobs=1", "--format=JobID"));
      if (result.ok()) {
        known = true;
      } else if (result.stderr().contains(ACCOUNTING_DISABLED)) {
        known = false;
      } else {
        throw new IOException(result.describe());
      }
      accounting = known;
    }
    return known;
  }

  private List<SlurmOutput.Row> sacct(String selection) throws IOException, InterruptedException {
    CommandRunner.Result result =
        run(
            List.of(
                options.sacct(),
                "-P",
                "-n",
                // without it sacct --name looks only at jobs since midnight: a job submitted
                // before midnight by an agent that restarts after it would be submitted again
                "--starttime=" + SACCT_SINCE,
                selection,
                "--format=" + SlurmOutput.SACCT_FORMAT));
    if (!result.ok()) {
      throw new IOException(result.describe());
    }
    return parse(result, SlurmOutput::sacct);
  }

  /** One job by id, or all jobs the controller still holds when id is null. */
  private List<SlurmOutput.Row> scontrol(@Nullable String id)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(options.scontrol(), "show", "job", "-o"));
    if (id != null) {
      command.add(id);
    }
    CommandRunner.Result result = run(command);
    if (!result.ok()) {
      if (result.stderr().contains(INVALID_JOB_ID)) {
        return List.of();
      }
      throw new IOException(result.describe());
    }
    return parse(result, SlurmOutput::scontrol);
  }

  private static List<SlurmOutput.Row> parse(
      CommandRunner.Result result, Function<String, List<SlurmOutput.Row>> how) throws IOException {
    try {
      return how.apply(result.stdout());
    } catch (IllegalArgumentException e) {
      throw new IOException(String.join(" ", result.command()) + ": " + e.getMessage(), e);
    }
  }

  private static boolean unreachable(CommandRunner.Result result) {
    String err = result.stderr();
    return result.exitCode() == 124
        || err.contains("Unable to contact slurm controller")
        || err.contains("Socket timed out")
        || err.contains("Zero Bytes were transmitted");
  }

  private CommandRunner.Result run(List<String> command) throws IOException, InterruptedException {
    return runner.run(command, null, options.commandEnvironment(), true, options.timeout());
  }
}
