package dev.cairn.scheduler.lsf;

import dev.cairn.model.JobState;
import dev.cairn.scheduler.JobStatus;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * LSF's job states, termination reasons and resource figures mapped onto {@link JobState} and
 * {@link JobStatus}. The reasons are the keywords of IBM's "Termination reasons displayed by bacct,
 * bhist, and bjobs" (LSF 10.1); {@code bjobs -o exit_reason} prints them as "TERM_OWNER: job killed
 * by owner", some sites only the description, so both are read.
 */
final class LsfStates {

  private static final Pattern KEYWORD = Pattern.compile("\\bTERM_[A-Z_]+\\b");
  private static final Pattern SECONDS =
      Pattern.compile("^([0-9]+(?:\\.[0-9]+)?)\\s*(?:second.*)?$");
  private static final Pattern HMS =
      Pattern.compile("^([0-9]+):([0-9]{1,2}):([0-9]{1,2})(?:\\.\\d+)?$");
  private static final Pattern MEMORY =
      Pattern.compile(
          "^([0-9]+(?:\\.[0-9]+)?)\\s*([KMGTP])?(?:i?b(?:ytes?)?)?$", Pattern.CASE_INSENSITIVE);

  /** Termination reasons that say how a job ended when its STAT is EXIT. */
  private static final Map<String, JobState> BY_REASON =
      Map.ofEntries(
          // not the job's fault, and LSF will not rerun it: resubmit to resume from a checkpoint
          Map.entry("TERM_PREEMPT", JobState.PREEMPTED),
          Map.entry("TERM_REQUEUE_OWNER", JobState.PREEMPTED),
          Map.entry("TERM_REQUEUE_ADMIN", JobState.PREEMPTED),
          Map.entry("TERM_CHKPNT", JobState.PREEMPTED),
          Map.entry("TERM_WINDOW", JobState.PREEMPTED),
          Map.entry("TERM_LOAD", JobState.PREEMPTED),
          Map.entry("TERM_RC_RECLAIM", JobState.PREEMPTED),
          Map.entry("TERM_MC_RECALL", JobState.PREEMPTED),
          Map.entry("TERM_REMOVE_HUNG_JOB", JobState.NODE_FAIL),
          Map.entry("TERM_ZOMBIE", JobState.NODE_FAIL),
          Map.entry("TERM_CTRL_PID", JobState.NODE_FAIL),
          Map.entry("TERM_SLURM", JobState.NODE_FAIL),
          Map.entry("TERM_RMS", JobState.NODE_FAIL),
          Map.entry("TERM_PRE_EXEC_FAIL", JobState.BOOT_FAIL),
          Map.entry("TERM_RUNLIMIT", JobState.TIMEOUT),
          Map.entry("TERM_CPULIMIT", JobState.TIMEOUT),
          Map.entry("TERM_DEADLINE", JobState.DEADLINE),
          Map.entry("TERM_MEMLIMIT", JobState.OUT_OF_MEMORY),
          Map.entry("TERM_SWAP", JobState.OUT_OF_MEMORY),
          Map.entry("TERM_OWNER", JobState.CANCELLED),
          Map.entry("TERM_FORCE_OWNER", JobState.CANCELLED),
          Map.entry("TERM_ADMIN", JobState.CANCELLED),
          Map.entry("TERM_FORCE_ADMIN", JobState.CANCELLED),
          Map.entry("TERM_BUCKET_KILL", JobState.CANCELLED),
          Map.entry("TERM_ORPHAN_SYSTEM", JobState.CANCELLED));

  /** Descriptions (lower case) for sites whose exit_reason leaves the keyword out. */
  private static final Map<String, String> BY_DESCRIPTION =
      Map.ofEntries(
          Map.entry("killed after preemption", "TERM_PREEMPT"),
          Map.entry("killed and requeued", "TERM_REQUEUE_ADMIN"),
          Map.entry("run time limit", "TERM_RUNLIMIT"),
          Map.entry("runtime limit", "TERM_RUNLIMIT"),
          Map.entry("memory usage limit", "TERM_MEMLIMIT"),
          Map.entry("killed by owner", "TERM_OWNER"),
          Map.entry("lsf administrator", "TERM_ADMIN"),
          Map.entry("deadline", "TERM_DEADLINE"),
          Map.entry("hung job", "TERM_REMOVE_HUNG_JOB"),
          Map.entry("execution host is unavailable", "TERM_REMOVE_HUNG_JOB"));

  /**
   * The pending reason of a job whose dependency can no longer be met (LSF's PEND_JOB_DEP_INVALID):
   * LSF keeps such a job PEND until it is killed.
   */
  static final String DEPENDENCY_NEVER_SATISFIED =
      "dependency condition invalid or never satisfied";

  private LsfStates() {}

  /**
   * The state of a job as {@code bjobs} reports it.
   *
   * @param stat PEND, PSUSP, RUN, USUSP, SSUSP, DONE, EXIT, UNKWN, WAIT or ZOMBI
   * @return null for a STAT this mapping does not know
   */
  static @Nullable JobState state(String stat, String exitReason) {
    return switch (stat.strip().toUpperCase(Locale.ROOT)) {
      case "PEND", "WAIT" -> JobState.PENDING;
      case "RUN" -> JobState.RUNNING;
      case "PSUSP", "USUSP", "SSUSP" -> JobState.SUSPENDED;
      // mbatchd lost the execution host: the job may still run; LSF ends it as EXIT with
      // TERM_REMOVE_HUNG_JOB (REMOVE_HUNG_JOBS_FOR) or resumes it when the host returns
      case "UNKWN" -> JobState.RUNNING;
      // killed or requeued while its host was unreachable: LSF runs it no more
      case "ZOMBI" -> JobState.NODE_FAIL;
      case "DONE", "PDONE" -> JobState.COMPLETED;
      case "EXIT", "PERR" -> exited(exitReason);
      default -> null;
    };
  }

  private static JobState exited(String exitReason) {
    String keyword = keyword(exitReason);
    return keyword == null ? JobState.FAILED : BY_REASON.getOrDefault(keyword, JobState.FAILED);
  }

  /** The TERM_* keyword of an exit reason, from its text where the keyword is missing. */
  static @Nullable String keyword(String exitReason) {
    if (exitReason == null || exitReason.isBlank()) {
      return null;
    }
    Matcher m = KEYWORD.matcher(exitReason);
    if (m.find()) {
      return m.group();
    }
    String text = exitReason.toLowerCase(Locale.ROOT);
    for (Map.Entry<String, String> e : BY_DESCRIPTION.entrySet()) {
      if (text.contains(e.getKey())) {
        return e.getValue();
      }
    }
    return null;
  }

  /** One bjobs record as a status. */
  static JobStatus status(LsfOutput.Row row) throws java.io.IOException {
    Integer exit = exitCode(row.exitCode());
    JobState state = state(row.stat(), row.exitReason());
    if (state == null) {
      throw new java.io.IOException(
          "bjobs reported job "
              + row.id()
              + " in state '"
              + row.stat()
              + "' which Cairn does not know");
    }
    if (state == JobState.COMPLETED && exit == null) {
      exit = 0;
    }
    String reason = reason(row);
    if (state == JobState.PENDING && neverSatisfied(row.pendReason())) {
      // it would wait forever: a failure of its own, for whoever submitted it with -w to act on
      state = JobState.FAILED;
      reason = JobStatus.NEVER_SATISFIED + " (" + reason + ")";
    }
    return new JobStatus(
        row.id(),
        state,
        reason,
        exit,
        seconds(row.runTime()),
        seconds(row.cpuUsed()),
        megabytes(row.maxMem()));
  }

  /** Whether a pending reason says the job's dependency can no longer be met. */
  static boolean neverSatisfied(String pendReason) {
    return pendReason != null
        && pendReason.toLowerCase(Locale.ROOT).contains(DEPENDENCY_NEVER_SATISFIED);
  }

  private static @Nullable String reason(LsfOutput.Row row) {
    String stat = row.stat().strip().toUpperCase(Locale.ROOT);
    if (!row.exitReason().isBlank()) {
      return row.exitReason().strip();
    }
    if (stat.equals("PEND") && !row.pendReason().isBlank()) {
      return row.pendReason().strip().replaceAll(";$", "");
    }
    return switch (stat) {
      case "EXIT" -> row.exitCode().isBlank() ? "EXIT" : "exit code " + row.exitCode().strip();
      case "UNKWN" -> "UNKWN: LSF lost contact with the execution host";
      case "ZOMBI" -> "ZOMBI: killed while the execution host was unreachable";
      case "PSUSP", "USUSP", "SSUSP", "WAIT" -> stat;
      default -> null;
    };
  }

  /** An exit code field; empty or "-" is unknown. */
  static @Nullable Integer exitCode(String text) {
    String t = text == null ? "" : text.strip();
    if (t.isEmpty() || t.equals("-")) {
      return null;
    }
    try {
      return Integer.parseInt(t);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** {@code 16038 second(s)}, {@code 0.4 second(s)} or, with {@code -hms}, {@code 04:27:18}. */
  static @Nullable Long seconds(String text) {
    String t = text == null ? "" : text.strip();
    if (t.isEmpty() || t.equals("-")) {
      return null;
    }
    Matcher m = SECONDS.matcher(t);
    if (m.matches()) {
      return Math.round(Double.parseDouble(m.group(1)));
    }
    m = HMS.matcher(t);
    if (m.matches()) {
      return Long.parseLong(m.group(1)) * 3600
          + Long.parseLong(m.group(2)) * 60
          + Long.parseLong(m.group(3));
    }
    return null;
  }

  /** {@code 123 Mbytes}, {@code 1.2 Gbytes}, {@code 512 Kbytes} in MiB, rounded up; else null. */
  static @Nullable Long megabytes(String text) {
    String t = text == null ? "" : text.strip();
    if (t.isEmpty() || t.equals("-")) {
      return null;
    }
    Matcher m = MEMORY.matcher(t);
    if (!m.matches()) {
      return null;
    }
    double value = Double.parseDouble(m.group(1));
    String unit = m.group(2) == null ? "M" : m.group(2).toUpperCase(Locale.ROOT);
    double mb =
        switch (unit) {
          case "K" -> value / 1024;
          case "G" -> value * 1024;
          case "T" -> value * 1024 * 1024;
          case "P" -> value * 1024 * 1024 * 1024;
          default -> value;
        };
    return (long) Math.ceil(mb - 1e-9);
  }
}
