package dev.cairn.scheduler.lsf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cairn.scheduler.JobState;
import dev.cairn.scheduler.JobStatus;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parsers for what LSF's commands print (IBM Spectrum LSF 10.1 command reference: bsub, bjobs
 * {@code -o}/{@code -json}, bhist {@code -l}). Pure functions over text so that unit tests feed
 * recorded outputs.
 */
final class LsfOutput {

  /** The fields asked of bjobs, in this order; exit_reason last as it is free text. */
  static final List<String> FIELDS =
      List.of(
          "jobid",
          "stat",
          "exit_code",
          "run_time",
          "cpu_used",
          "max_mem",
          "job_name",
          "exit_reason");

  /** "Job <123> is submitted to queue <normal>." or "... to default queue <normal>." */
  private static final Pattern SUBMITTED =
      Pattern.compile("Job <(\\d+)> is submitted to (?:default )?queue <([^>]*)>");

  private static final Pattern NOT_FOUND = Pattern.compile("Job <([^>]+)> is not found");
  private static final Pattern JOB_HEADER = Pattern.compile("^Job <(\\d+)(?:\\[\\d+\\])?>");
  private static final Pattern EVENT =
      Pattern.compile("^\\w{3} \\w{3} +\\d+ \\d+:\\d+:\\d+(?: \\d{4})?: (.*)$");
  private static final Pattern EXIT_CODE = Pattern.compile("Exited with exit code (\\d+)");
  private static final Pattern EXIT_SIGNAL = Pattern.compile("Exited by (?:LSF )?signal (\\d+)");
  private static final Pattern CPU_TIME =
      Pattern.compile("The CPU time used is ([0-9.]+) seconds?");
  private static final Pattern MAX_MEM = Pattern.compile("MAX MEM: ([0-9.]+ *[A-Za-z]*)");
  private static final Pattern COMPLETED_EXIT =
      Pattern.compile("Completed <exit>(?:; *(.*?))?[.;]?$");
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private LsfOutput() {}

  /**
   * One job as bjobs reports it; empty strings for empty fields.
   *
   * @param error set for a job bjobs does not know ("Job <9> is not found")
   */
  record Row(
      String id,
      String stat,
      String exitCode,
      String runTime,
      String cpuUsed,
      String maxMem,
      String name,
      String exitReason,
      String error) {

    boolean notFound() {
      return error != null && NOT_FOUND.matcher(error).find();
    }
  }

  /** The job id in bsub's answer; wrappers such as jbsub may print other lines around it. */
  static Optional<String> submittedJobId(String output) {
    Matcher m = SUBMITTED.matcher(output);
    return m.find() ? Optional.of(m.group(1)) : Optional.empty();
  }

  /**
   * {@code bjobs -o "..." -json}: {@code {"COMMAND":"bjobs","JOBS":n,"RECORDS":[{"JOBID":..}]}}; a
   * job bjobs does not know is a record with an {@code ERROR} ("Job <9> is not found").
   */
  static List<Row> json(String stdout) throws IOException {
    JsonNode root;
    try {
      root = MAPPER.readTree(stdout);
    } catch (IOException e) {
      throw new IOException("bjobs -json printed no JSON: " + firstLine(stdout), e);
    }
    if (root == null || !root.path("RECORDS").isArray()) {
      throw new IOException("bjobs -json printed no RECORDS: " + firstLine(stdout));
    }
    List<Row> rows = new ArrayList<>();
    for (JsonNode r : root.path("RECORDS")) {
      String error = r.hasNonNull("ERROR") ? r.get("ERROR").asText() : null;
      String id = text(r, "JOBID");
      if (id.isEmpty() && error != null) {
        Matcher m = NOT_FOUND.matcher(error);
        id = m.find() ? m.group(1) : "";
      }
      rows.add(
          new Row(
              id,
              text(r, "STAT"),
              text(r, "EXIT_CODE"),
              text(r, "RUN_TIME"),
              text(r, "CPU_USED"),
              text(r, "MAX_MEM"),
              text(r, "JOB_NAME"),
              text(r, "EXIT_REASON"),
              error));
    }
    return rows;
  }

  /**
   * {@code bjobs -noheader -o "... delimiter=';'"} (LSF before 10.1.0.2 has no -json): one line a
   * job, "-" for empty fields, and "Job <9> is not found" on stderr for unknown jobs.
   */
  static List<Row> delimited(String stdout, String stderr, char delimiter) {
    List<Row> rows = new ArrayList<>();
    for (String line : stdout.split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      String[] f = line.split(Pattern.quote(String.valueOf(delimiter)), FIELDS.size());
      String[] v = Arrays.copyOf(f, FIELDS.size());
      for (int i = 0; i < v.length; i++) {
        v[i] = v[i] == null || v[i].strip().equals("-") ? "" : v[i].strip();
      }
      rows.add(new Row(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], null));
    }
    for (String id : notFound(stderr)) {
      rows.add(new Row(id, "", "", "", "", "", "", "", "Job <" + id + "> is not found"));
    }
    return rows;
  }

  /** Ids of every "Job <N> is not found" line. */
  static List<String> notFound(String text) {
    List<String> ids = new ArrayList<>();
    Matcher m = NOT_FOUND.matcher(text);
    while (m.find()) {
      ids.add(m.group(1));
    }
    return ids;
  }

  /** Lines of {@code text} that are neither blank nor "Job <N> is not found". */
  static List<String> otherLines(String text) {
    return text.lines()
        .map(String::strip)
        .filter(l -> !l.isEmpty() && !NOT_FOUND.matcher(l).find())
        .toList();
  }

  /**
   * {@code bhist -l}: each job's history, jobs apart by a line of dashes, long lines wrapped at 80
   * columns with 21 blanks before the continuation. Returns how each finished job ended; jobs whose
   * history holds no end are left out.
   */
  static Map<String, JobStatus> bhist(String stdout) {
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

  private static JobStatus ending(String id, List<String> lines) {
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
  private static Long runSeconds(String header, String values) {
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

  private static String text(JsonNode record, String field) {
    JsonNode v = record.get(field);
    return v == null || v.isNull() ? "" : v.asText().strip();
  }

  static String firstLine(String text) {
    return text.strip().lines().findFirst().orElse("(nothing)");
  }
}
