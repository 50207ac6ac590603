package dev.cairn.scheduler.lsf;

import dev.cairn.model.JobState;
import dev.cairn.scheduler.JobStatus;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The parser of {@code bhist -l} (IBM Spectrum LSF 10.1 command reference): how jobs that {@code
 * bjobs} no longer lists ended. A pure function over text so that unit tests feed recorded output.
 */
final class LsfHistory {

  private static final Pattern JOB_HEADER = Pattern.compile("^Job <(\\d+(?:\\[\\d+\\])?)>");
  private static final Pattern EVENT =
      Pattern.compile("^\\w{3} \\w{3} +\\d+ \\d+:\\d+:\\d+(?: \\d{4})?: (.*)$");
  private static final Pattern EXIT_CODE = Pattern.compile("Exited with exit code (\\d+)");
  private static final Pattern EXIT_SIGNAL = Pattern.compile("Exited by (?:LSF )?signal (\\d+)");
  private static final Pattern CPU_TIME =
      Pattern.compile("The CPU time used is ([0-9.]+) seconds?");
  private static final Pattern MAX_MEM = Pattern.compile("MAX MEM: ([0-9.]+ *[A-Za-z]*)");
  private static final Pattern COMPLETED_EXIT =
      Pattern.compile("Completed <exit>(?:; *(.*?))?[.;]?$");

  private LsfHistory() {}

  /**
   * {@code bhist -l}: each job's history, jobs apart by a line of dashes, long lines wrapped at 80
   * columns with 21 blanks before the continuation. Returns how each finished job ended, an array's
   * element by its {@code id[index]}; jobs whose history holds no end are left out.
   */
  static Map<String, JobStatus> parse(String stdout) {
    Map<String, JobStatus> ended = new LinkedHashMap<>();
    for (String block : stdout.split("\n-{10,}\n")) {
      List<String> lines = unwrap(block);
      String id = null;
      for (String line : lines) {
        Matcher m = JOB_HEADER.matcher(line);
        if (m.find()) {
          id = m.group(1);
          break;
        }
      }
      if (id == null) {
        continue;
      }
      JobStatus status = ending(id, lines);
      if (status != null) {
        ended.put(id, status);
      }
    }
    return ended;
  }

  private static @Nullable JobStatus ending(String id, List<String> lines) {
    JobState state = null;
    Integer exit = null;
    String reason = null;
    Long cpu = null;
    Long maxMb = null;
    Long run = null;
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      Matcher event = EVENT.matcher(line);
      String text = event.matches() ? event.group(1) : line;
      Matcher m;
      if (text.startsWith("Done successfully")) {
        state = JobState.COMPLETED;
        exit = 0;
        reason = null;
      } else if ((m = EXIT_CODE.matcher(text)).find()) {
        state = JobState.FAILED;
        exit = Integer.parseInt(m.group(1));
        reason = "exit code " + exit;
      } else if ((m = EXIT_SIGNAL.matcher(text)).find()) {
        state = JobState.FAILED;
        exit = 128 + Integer.parseInt(m.group(1));
        reason = "killed by signal " + m.group(1);
      } else if (text.startsWith("Exited")) {
        state = JobState.FAILED;
        reason = "EXIT";
      } else if ((m = COMPLETED_EXIT.matcher(text)).find()) {
        String why = m.group(1) == null ? "" : m.group(1).strip();
        state = LsfStates.state("EXIT", why);
        reason = why.isEmpty() ? reason : why;
      } else if (text.contains("requeued")
          || text.startsWith("Dispatched")
          || text.startsWith("Starting")) {
        // a later attempt of the same job: what ended before does not count
        state = null;
        exit = null;
        reason = null;
      }
      if ((m = CPU_TIME.matcher(text)).find()) {
        cpu = Math.round(Double.parseDouble(m.group(1)));
      }
      if ((m = MAX_MEM.matcher(line)).find()) {
        maxMb = LsfStates.megabytes(m.group(1));
      }
      if (line.strip().startsWith("PEND") && line.contains("RUN") && i + 1 < lines.size()) {
        run = runSeconds(line, lines.get(i + 1));
      }
    }
    if (state == null) {
      return null;
    }
    return new JobStatus(id, state, reason, exit, run, cpu, maxMb);
  }

  /** The RUN column of bhist's "Summary of time in seconds spent in various states". */
  private static @Nullable Long runSeconds(String header, String values) {
    List<String> names = Arrays.asList(header.strip().split("\\s+"));
    String[] numbers = values.strip().split("\\s+");
    int at = names.indexOf("RUN");
    if (at < 0 || at >= numbers.length) {
      return null;
    }
    try {
      return Long.parseLong(numbers[at]);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** Joins bhist's continuation lines (21 leading blanks) to the line they continue. */
  private static List<String> unwrap(String block) {
    List<String> lines = new ArrayList<>();
    for (String line : block.split("\n")) {
      if (line.startsWith("                     ") && !lines.isEmpty() && !line.isBlank()) {
        int last = lines.size() - 1;
        lines.set(last, lines.get(last) + line.substring(21));
      } else {
        lines.add(line);
      }
    }
    return lines;
  }
}
