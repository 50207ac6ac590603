package dev.cairn.scheduler.slurm;

import dev.cairn.model.JobState;
import dev.cairn.scheduler.JobStatus;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/** Parses what sbatch, squeue, scontrol and sacct print into job rows. */
final class SlurmOutput {

  /**
   * squeue's {@code --Format}: an empty width prints a field whole, {@code |} ends it. The name may
   * hold any character, so it comes last and a row splits into at most nine fields. An element of a
   * job array has a job id of its own but is known as {@code <ArrayJobID>_<ArrayTaskID>}.
   */
  static final String SQUEUE_FORMAT =
      "JobID:|,State:|,Reason:|,exit_code:|,TimeUsed:|,RestartCnt:|,ArrayJobID:|,ArrayTaskID:|,Name:";

  private static final Pattern TASK_ID = Pattern.compile("\\d+");

  /** sacct's {@code --format} with {@code -P}; the name comes last for the same reason. */
  static final String SACCT_FORMAT = "JobID,State,ExitCode,Elapsed,TotalCPU,MaxRSS,JobName";

  private static final Pattern JOB_ID = Pattern.compile("\\d+(?:_\\d+)?");
  private static final Pattern SCONTROL_FIELD = Pattern.compile("(?:^| )(\\w+)=(\\S*)");

  /** One job as a SLURM command reported it. */
  record Row(String name, JobStatus status) {
    String id() {
      return status.schedulerId();
    }
  }

  /** sinfo's field for a partition's name; {@code %P} would mark the default one with a star. */
  static final String SINFO_FORMAT = "%R";

  private SlurmOutput() {}

  /** {@code <array job id>_<task id>} for an element of a job array, else the job id. */
  static String arrayId(String jobId, String arrayJobId, String taskId) {
    return TASK_ID.matcher(taskId.strip()).matches() && !arrayJobId.isBlank()
        ? arrayJobId.strip() + "_" + taskId.strip()
        : jobId.strip();
  }

  /** {@code MaxArraySize} from {@code scontrol show config}, or 0 where it is not there. */
  static int maxArraySize(String stdout) {
    Matcher m = Pattern.compile("(?m)^MaxArraySize\\s*=\\s*(\\d+)\\s*$").matcher(stdout);
    return m.find() ? Integer.parseInt(m.group(1)) : 0;
  }

  /**
   * The partitions of {@code sinfo --noheader --format=%R}: one name a line, repeated for each
   * group of nodes in a different state; returned once each, in sinfo's order.
   */
  static List<String> partitions(String stdout) {
    return stdout.lines().map(String::strip).filter(line -> !line.isEmpty()).distinct().toList();
  }

  /** The job id from {@code sbatch --parsable}: {@code id} or {@code id;cluster}. */
  static String parsable(String stdout) {
    String first = stdout.strip().lines().findFirst().orElse("");
    String id = first.split(";", 2)[0].strip();
    if (!JOB_ID.matcher(id).matches()) {
      throw new IllegalArgumentException("sbatch printed no job id: '" + first + "'");
    }
    return id;
  }

  static List<Row> squeue(String stdout) {
    List<Row> rows = new ArrayList<>();
    for (String line : stdout.lines().toList()) {
      if (line.isBlank()) {
        continue;
      }
      String[] f = line.split("\\|", 9);
      if (f.length < 9) {
        throw new IllegalArgumentException("unexpected squeue line: '" + line + "'");
      }
      JobState state = SlurmStates.parse(f[1]);
      int restarts = f[5].isBlank() ? 0 : Integer.parseInt(f[5].strip());
      JobStatus status =
          new JobStatus(
              arrayId(f[0], f[6], f[7]),
              requeued(state, restarts),
              reason(f[2]),
              state.isTerminal() ? SlurmStates.fromWaitStatus(f[3]) : null,
              SlurmStates.seconds(f[4]),
              null,
              null);
      rows.add(new Row(f[8].strip(), SlurmStates.neverStarting(status)));
    }
    return rows;
  }

  /** Jobs from {@code scontrol show job -o}: one line of {@code Key=Value} fields per job. */
  static List<Row> scontrol(String stdout) {
    List<Row> rows = new ArrayList<>();
    for (String line : stdout.lines().toList()) {
      if (!line.startsWith("JobId=")) {
        continue;
      }
      Map<String, String> fields = new LinkedHashMap<>();
      Matcher m = SCONTROL_FIELD.matcher(line);
      while (m.find()) {
        fields.putIfAbsent(m.group(1), m.group(2));
      }
      JobState state = SlurmStates.parse(fields.getOrDefault("JobState", ""));
      String restarts = fields.getOrDefault("Restarts", "0");
      JobStatus status =
          new JobStatus(
              arrayId(
                  Objects.requireNonNull(fields.get("JobId"), "the line starts with JobId="),
                  fields.getOrDefault("ArrayJobId", ""),
                  fields.getOrDefault("ArrayTaskId", "")),
              requeued(state, restarts.isEmpty() ? 0 : Integer.parseInt(restarts)),
              reason(fields.getOrDefault("Reason", "")),
              state.isTerminal() ? SlurmStates.exitCode(fields.get("ExitCode")) : null,
              SlurmStates.seconds(fields.get("RunTime")),
              null,
              null);
      rows.add(new Row(jobName(line), SlurmStates.neverStarting(status)));
    }
    return rows;
  }

  /**
   * Jobs from {@code sacct -P -n --format=SACCT_FORMAT}: the state, exit code, elapsed and CPU time
   * of each job from its own line, the peak memory from its steps' lines.
   */
  static List<Row> sacct(String stdout) {
    Map<String, Row> jobs = new LinkedHashMap<>();
    Map<String, Long> maxRss = new LinkedHashMap<>();
    for (String line : stdout.lines().toList()) {
      if (line.isBlank()) {
        continue;
      }
      String[] f = line.split("\\|", 7);
      if (f.length < 7) {
        throw new IllegalArgumentException("unexpected sacct line: '" + line + "'");
      }
      String[] idAndStep = f[0].split("\\.", 2);
      Long rss = SlurmStates.memoryMb(f[5]);
      if (rss != null) {
        maxRss.merge(idAndStep[0], rss, Math::max);
      }
      if (idAndStep.length == 1) {
        String[] stateWords = f[1].strip().split("\\s+", 2);
        JobState state = SlurmStates.parse(stateWords[0]);
        JobStatus status =
            new JobStatus(
                f[0],
                state,
                stateWords.length > 1 ? stateWords[1] : null,
                state.isTerminal() ? SlurmStates.exitCode(f[2]) : null,
                SlurmStates.seconds(f[3]),
                SlurmStates.seconds(f[4]),
                null);
        jobs.put(f[0], new Row(f[6], status));
      }
    }
    List<Row> rows = new ArrayList<>();
    for (Row row : jobs.values()) {
      JobStatus s = row.status();
      rows.add(
          new Row(
              row.name(),
              new JobStatus(
                  s.schedulerId(),
                  s.state(),
                  s.reason(),
                  s.exitCode(),
                  s.elapsedSeconds(),
                  s.cpuSeconds(),
                  maxRss.get(s.schedulerId()))));
    }
    return rows;
  }

  /** A pending job that has run before was requeued (after preemption or a node failure). */
  private static JobState requeued(JobState state, int restarts) {
    return state == JobState.PENDING && restarts > 0 ? JobState.REQUEUED : state;
  }

  private static @Nullable String reason(String reason) {
    String r = reason.strip();
    return r.isEmpty() || r.equals("None") || r.equals("(null)") ? null : r;
  }

  /** The name may contain spaces; it ends where scontrol's next field, UserId, starts. */
  private static String jobName(String line) {
    int start = line.indexOf(" JobName=");
    int end = line.indexOf(" UserId=");
    return start < 0 || end < start ? "" : line.substring(start + 9, end);
  }
}
