package dev.cairn.scheduler.lsf;

import dev.cairn.model.JobState;
import dev.cairn.scheduler.CommandRunner;
import dev.cairn.scheduler.JobStatus;
import dev.cairn.scheduler.JobSubmission;
import dev.cairn.scheduler.Scheduler;
import dev.cairn.scheduler.SchedulerRefused;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * IBM Spectrum LSF through its commands: {@code bsub < script} (or a site wrapper such as {@code
 * jbsub}) with a clean environment, one {@code bjobs -a -o ... -json} per status query for all jobs
 * and array elements ({@code id[index]}; delimited output where -json is missing, LSF before
 * 10.1.0.2), one {@code bhist -l} for jobs bjobs no longer lists, {@code bkill}, and {@code bparams
 * -a} once for the largest job array.
 */
public final class LsfScheduler implements Scheduler {

  private static final char DELIMITER = ';';

  private final CommandRunner runner;
  private final LsfOptions options;

  /** Null until the first query learns whether bjobs knows -json. */
  private volatile @Nullable Boolean json;

  /** Null until the first job missing from bjobs learns whether bhist can be run. */
  private volatile @Nullable Boolean bhist;

  /** Null until the first sweep asks bparams for MAX_JOB_ARRAY_SIZE. */
  private volatile @Nullable Integer maxArraySize;

  public LsfScheduler(CommandRunner runner, LsfOptions options) {
    this.runner = runner;
    this.options = options;
  }

  @Override
  public String name() {
    return LsfProvider.NAME;
  }

  /**
   * Runs the submit command with the script on stdin. LSF copies the submission environment into
   * the job, so the command gets only {@link LsfOptions#commandEnvironment()} and the job's own
   * variables: never the agent's credentials.
   */
  @Override
  public String submit(JobSubmission submission) throws IOException, InterruptedException {
    Map<String, String> environment = new TreeMap<>(options.commandEnvironment());
    // JobSubmission admits only variable names and values without newline or NUL
    environment.putAll(submission.environment());
    List<String> command = new ArrayList<>();
    command.add(options.command(options.submitCommand()));
    command.addAll(options.submitArgs());
    if (submission.afterOk() != null) {
      command.add("-w");
      command.add("done(" + submission.afterOk() + ")");
    }
    if (submission.workDir() != null) {
      command.add("-cwd");
      command.add(submission.workDir().toString());
    }
    for (Path file : List.of(submission.stdout(), submission.stderr())) {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
    }
    String script = Files.readString(submission.script());
    CommandRunner.Result result = runner.run(command, script, environment, true, options.timeout());
    Optional<String> id = LsfOutput.submittedJobId(result.stdout() + "\n" + result.stderr());
    if (result.ok() && id.isPresent()) {
      return id.get();
    }
    if (LsfAnswers.unreachable(result)) {
      throw new IOException(LsfAnswers.describe(result));
    }
    if (!result.ok()) {
      throw new SchedulerRefused(
          "LSF refused job "
              + submission.jobName()
              + ": "
              + LsfAnswers.describe(result)
              + "; check the queue, project and resources in the config and CAIRN_LSF_SUBMIT_ARGS");
    }
    throw new IOException(
        LsfAnswers.describe(result)
            + ": no 'Job <id> is submitted' line in: "
            + LsfOutput.firstLine(result.stdout()));
  }

  /**
   * The most elements of one job array: lsb.params' MAX_JOB_ARRAY_SIZE from {@code bparams -a}
   * (indices run from 1 to it), asked once; 0, no arrays, where bparams is not installed.
   */
  @Override
  public int maxArraySize() throws IOException, InterruptedException {
    Integer known = maxArraySize;
    if (known == null) {
      try {
        CommandRunner.Result result = run(List.of(options.command("bparams"), "-a"));
        if (!result.ok()) {
          throw new IOException(LsfAnswers.describe(result));
        }
        known = LsfOutput.maxArraySize(result.stdout());
      } catch (IOException e) {
        if (!LsfAnswers.commandMissing(e)) {
          throw e;
        }
        known = 0;
      }
      maxArraySize = known;
    }
    return known;
  }

  /**
   * {@code bqueues -w}: the queues jobs may be sent to (wide, so that no name is truncated); none
   * where bqueues is not installed beside bsub.
   */
  @Override
  public List<String> partitions() throws IOException, InterruptedException {
    CommandRunner.Result result;
    try {
      result = run(List.of(options.command("bqueues"), "-w"));
    } catch (IOException e) {
      if (LsfAnswers.commandMissing(e)) {
        return List.of();
      }
      throw e;
    }
    if (!result.ok()) {
      throw new IOException(LsfAnswers.describe(result));
    }
    return LsfOutput.queues(result.stdout());
  }

  /** {@code 4711[3]}: LSF counts an array's elements from 1, the agent from 0. */
  @Override
  public String arrayElementId(String arrayId, int index) {
    return arrayId + "[" + (index + LsfProvider.FIRST_INDEX) + "]";
  }

  @Override
  public Map<String, JobStatus> status(Collection<String> schedulerIds)
      throws IOException, InterruptedException {
    Set<String> ids = new LinkedHashSet<>(schedulerIds);
    Map<String, JobStatus> found = new LinkedHashMap<>();
    if (ids.isEmpty()) {
      return found;
    }
    List<String> missing = new ArrayList<>();
    for (LsfOutput.Row row : bjobs(List.of(), new ArrayList<>(ids))) {
      if (row.notFound()) {
        if (ids.contains(row.id())) {
          missing.add(row.id());
        }
      } else if (row.error() != null) {
        throw new IOException("bjobs: " + row.error());
      } else if (ids.contains(row.id())) {
        found.put(row.id(), LsfStates.status(row));
      }
    }
    // bjobs answered for the others: a job it did not list is as unknown as one "not found"
    ids.stream()
        .filter(id -> !found.containsKey(id) && !missing.contains(id))
        .forEach(missing::add);
    if (missing.isEmpty()) {
      return found;
    }
    Map<String, JobStatus> history = history(missing);
    for (String id : missing) {
      JobStatus ended = history.get(id);
      found.put(
          id,
          ended != null
              ? ended
              : new JobStatus(
                  id, JobState.LOST, "unknown to bjobs and bhist", null, null, null, null));
    }
    return found;
  }

  /** The newest job of that name; for an array, the array's own id (its elements are named so). */
  @Override
  public Optional<String> findByName(String jobName) throws IOException, InterruptedException {
    String best = null;
    for (LsfOutput.Row row : bjobs(List.of("-J", jobName), List.of())) {
      if (row.error() == null && jobName.equals(row.baseName())) {
        if (best == null || Long.parseLong(row.arrayId()) > Long.parseLong(best)) {
          best = row.arrayId();
        }
      }
    }
    return Optional.ofNullable(best);
  }

  @Override
  public void cancel(Collection<String> schedulerIds) throws IOException, InterruptedException {
    List<String> ids = List.copyOf(new LinkedHashSet<>(schedulerIds));
    if (ids.isEmpty()) {
      return;
    }
    List<String> command = new ArrayList<>(List.of(options.command("bkill")));
    command.addAll(ids);
    CommandRunner.Result result = run(command);
    if (result.ok()) {
      return;
    }
    // ended or unknown jobs are fine: "Job has already finished", "No matching job found"
    for (String line : (result.stdout() + "\n" + result.stderr()).split("\n")) {
      String l = line.strip().toLowerCase(Locale.ROOT);
      if (l.isEmpty()
          || l.contains("is being terminated")
          || l.contains("is being signaled")
          || l.contains("already finished")
          || LsfAnswers.matchesAny(l, LsfAnswers.NO_MATCH)) {
        continue;
      }
      throw new IOException(LsfAnswers.describe(result));
    }
  }

  /** One bjobs call: the given jobs (or the filter's), -json where LSF has it. */
  private List<LsfOutput.Row> bjobs(List<String> filter, List<String> ids)
      throws IOException, InterruptedException {
    if (!Boolean.FALSE.equals(json)) {
      List<String> command = new ArrayList<>(List.of(options.command("bjobs"), "-a"));
      command.addAll(filter);
      command.addAll(List.of("-o", String.join(" ", LsfOutput.FIELDS), "-json"));
      command.addAll(ids);
      CommandRunner.Result result = run(command);
      if (result.stdout().strip().startsWith("{")) {
        json = true;
        List<LsfOutput.Row> rows = LsfOutput.json(result.stdout());
        if (!result.ok() && rows.stream().noneMatch(LsfOutput.Row::notFound)) {
          throw new IOException(LsfAnswers.describe(result));
        }
        return rows;
      }
      if (json == null && LsfAnswers.jsonUnsupported(result)) {
        json = false;
      } else if (result.stdout().isBlank() && LsfOutput.otherLines(result.stderr()).isEmpty()) {
        // every job unknown, said on stderr as without -json
        return LsfOutput.delimited("", result.stderr(), DELIMITER);
      } else {
        return LsfAnswers.noMatch(result) ? List.of() : fail(result);
      }
    }
    List<String> command = new ArrayList<>(List.of(options.command("bjobs"), "-a"));
    command.addAll(filter);
    command.addAll(
        List.of(
            "-noheader",
            "-o",
            String.join(" ", LsfOutput.FIELDS) + " delimiter='" + DELIMITER + "'"));
    command.addAll(ids);
    CommandRunner.Result result = run(command);
    List<String> problems = LsfOutput.otherLines(result.stderr());
    if (!result.ok() && !problems.isEmpty()) {
      return LsfAnswers.noMatch(result) ? List.of() : fail(result);
    }
    return LsfOutput.delimited(result.stdout(), result.stderr(), DELIMITER);
  }

  /** Asks bhist about jobs bjobs no longer lists (past CLEAN_PERIOD); empty where it cannot. */
  private Map<String, JobStatus> history(List<String> ids)
      throws IOException, InterruptedException {
    if (Boolean.FALSE.equals(bhist)) {
      return Map.of();
    }
    List<String> command = new ArrayList<>(List.of(options.command("bhist"), "-l"));
    command.addAll(ids);
    CommandRunner.Result result;
    try {
      result = run(command);
    } catch (IOException e) {
      if (LsfAnswers.commandMissing(e)) {
        bhist = false;
        return Map.of();
      }
      throw e;
    }
    bhist = true;
    Map<String, JobStatus> ended = LsfHistory.parse(result.stdout());
    if (!result.ok() && ended.isEmpty() && !LsfAnswers.noMatch(result)) {
      throw new IOException(LsfAnswers.describe(result));
    }
    return ended;
  }

  private static <T> T fail(CommandRunner.Result result) throws IOException {
    throw new IOException(LsfAnswers.describe(result));
  }

  private CommandRunner.Result run(List<String> command) throws IOException, InterruptedException {
    return runner.run(command, null, options.commandEnvironment(), true, options.timeout());
  }
}
