package dev.cairn.scheduler.slurm;

import dev.cairn.model.JobState;
import dev.cairn.scheduler.JobStatus;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/** Reads SLURM's job states, exit codes, durations and memory sizes into the agent's units. */
final class SlurmStates {

  private static final Map<String, JobState> STATES =
      Map.ofEntries(
          Map.entry("PENDING", JobState.PENDING),
          Map.entry("PD", JobState.PENDING),
          Map.entry("CONFIGURING", JobState.PENDING),
          Map.entry("CF", JobState.PENDING),
          Map.entry("RESV_DEL_HOLD", JobState.PENDING),
          Map.entry("RD", JobState.PENDING),
          Map.entry("REQUEUED", JobState.REQUEUED),
          Map.entry("RQ", JobState.REQUEUED),
          Map.entry("REQUEUE_HOLD", JobState.REQUEUED),
          Map.entry("RH", JobState.REQUEUED),
          Map.entry("REQUEUE_FED", JobState.REQUEUED),
          Map.entry("RF", JobState.REQUEUED),
          Map.entry("RUNNING", JobState.RUNNING),
          Map.entry("R", JobState.RUNNING),
          Map.entry("RESIZING", JobState.RUNNING),
          Map.entry("RS", JobState.RUNNING),
          Map.entry("SIGNALING", JobState.RUNNING),
          Map.entry("SI", JobState.RUNNING),
          Map.entry("STAGE_OUT", JobState.RUNNING),
          Map.entry("SO", JobState.RUNNING),
          Map.entry("SUSPENDED", JobState.SUSPENDED),
          Map.entry("S", JobState.SUSPENDED),
          Map.entry("STOPPED", JobState.SUSPENDED),
          Map.entry("ST", JobState.SUSPENDED),
          Map.entry("COMPLETING", JobState.COMPLETING),
          Map.entry("CG", JobState.COMPLETING),
          Map.entry("COMPLETED", JobState.COMPLETED),
          Map.entry("CD", JobState.COMPLETED),
          Map.entry("FAILED", JobState.FAILED),
          Map.entry("F", JobState.FAILED),
          Map.entry("SPECIAL_EXIT", JobState.FAILED),
          Map.entry("SE", JobState.FAILED),
          Map.entry("CANCELLED", JobState.CANCELLED),
          Map.entry("CA", JobState.CANCELLED),
          Map.entry("REVOKED", JobState.CANCELLED),
          Map.entry("RV", JobState.CANCELLED),
          Map.entry("TIMEOUT", JobState.TIMEOUT),
          Map.entry("TO", JobState.TIMEOUT),
          Map.entry("NODE_FAIL", JobState.NODE_FAIL),
          Map.entry("NF", JobState.NODE_FAIL),
          Map.entry("PREEMPTED", JobState.PREEMPTED),
          Map.entry("PR", JobState.PREEMPTED),
          Map.entry("BOOT_FAIL", JobState.BOOT_FAIL),
          Map.entry("BF", JobState.BOOT_FAIL),
          Map.entry("OUT_OF_MEMORY", JobState.OUT_OF_MEMORY),
          Map.entry("OOM", JobState.OUT_OF_MEMORY),
          Map.entry("DEADLINE", JobState.DEADLINE),
          Map.entry("DL", JobState.DEADLINE));

  private static final Pattern DURATION =
      Pattern.compile("(?:(\\d+)-)?(?:(\\d+):)?(\\d+):(\\d+)(?:\\.\\d+)?");
  private static final Pattern MEMORY = Pattern.compile("(\\d+(?:\\.\\d+)?)([KMGTP]?)");

  private SlurmStates() {}

  /**
   * Maps a state as squeue, scontrol or sacct print it ({@code RUNNING}, {@code CA}, {@code
   * CANCELLED by 0}, {@code CANCELLED+}, {@code COMPLETING+}) onto {@link JobState}.
   *
   * @throws IllegalArgumentException for a state SLURM does not have
   */
  static JobState parse(String slurmState) {
    String word = slurmState.strip().split("\\s+", 2)[0].toUpperCase(Locale.ROOT);
    while (word.endsWith("+") || word.endsWith("*")) {
      word = word.substring(0, word.length() - 1);
    }
    JobState state = STATES.get(word);
    if (state == null) {
      throw new IllegalArgumentException("unknown SLURM job state '" + slurmState.strip() + "'");
    }
    return state;
  }

  /**
   * A pending job whose dependency can never be met ({@code DependencyNeverSatisfied}: the job it
   * waits for ended the wrong way) would wait forever where {@code kill_invalid_depend} is off, the
   * default: it counts as failed, with that reason.
   */
  static JobStatus neverStarting(JobStatus status) {
    if (status.state() == JobState.PENDING && "DependencyNeverSatisfied".equals(status.reason())) {
      return status.withState(JobState.FAILED, JobStatus.NEVER_SATISFIED);
    }
    return status;
  }

  /**
   * An exit code as scontrol and sacct print it, {@code code:signal}: the code, or 128 plus the
   * signal when a signal ended the job (the shell's convention). Null when absent.
   */
  static @Nullable Integer exitCode(@Nullable String codeColonSignal) {
    String value = codeColonSignal == null ? "" : codeColonSignal.strip();
    if (value.isEmpty()) {
      return null;
    }
    String[] parts = value.split(":", 2);
    int code = Integer.parseInt(parts[0]);
    int signal = parts.length > 1 && !parts[1].isEmpty() ? Integer.parseInt(parts[1]) : 0;
    return code == 0 && signal != 0 ? 128 + signal : code;
  }

  /**
   * An exit code from squeue's {@code exit_code} field, a raw wait status (768 is exit 3, 15 is
   * SIGTERM): the code, or 128 plus the signal.
   */
  static @Nullable Integer fromWaitStatus(@Nullable String waitStatus) {
    String value = waitStatus == null ? "" : waitStatus.strip();
    if (value.isEmpty() || value.equals("N/A")) {
      return null;
    }
    int status = Integer.parseInt(value);
    int signal = status & 0x7f;
    return signal != 0 ? 128 + signal : (status >> 8) & 0xff;
  }

  /**
   * A duration {@code [D-][HH:]MM:SS[.mmm]} in whole seconds; null for empty, {@code INVALID},
   * {@code UNLIMITED} and the like.
   */
  static @Nullable Long seconds(@Nullable String duration) {
    Matcher m = DURATION.matcher(duration == null ? "" : duration.strip());
    if (!m.matches()) {
      return null;
    }
    long days = m.group(1) == null ? 0 : Long.parseLong(m.group(1));
    long hours = m.group(2) == null ? 0 : Long.parseLong(m.group(2));
    return ((days * 24 + hours) * 60 + Long.parseLong(m.group(3))) * 60
        + Long.parseLong(m.group(4));
  }

  /** A size as sacct prints MaxRSS ({@code 5120K}, {@code 1.5G}, bytes without a unit) in MiB. */
  static @Nullable Long memoryMb(@Nullable String size) {
    Matcher m = MEMORY.matcher(size == null ? "" : size.strip().toUpperCase(Locale.ROOT));
    if (!m.matches()) {
      return null;
    }
    int shift =
        switch (m.group(2)) {
          case "K" -> -10;
          case "M" -> 0;
          case "G" -> 10;
          case "T" -> 20;
          case "P" -> 30;
          default -> -20;
        };
    BigDecimal value = new BigDecimal(m.group(1));
    BigDecimal mb =
        shift >= 0
            ? value.multiply(BigDecimal.valueOf(1L << shift))
            : value.divide(BigDecimal.valueOf(1L << -shift), 0, RoundingMode.CEILING);
    return mb.setScale(0, RoundingMode.CEILING).longValueExact();
  }
}
