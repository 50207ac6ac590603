package dev.cairn.scheduler.lsf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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

  private static String text(JsonNode record, String field) {
    JsonNode v = record.get(field);
    return v == null || v.isNull() ? "" : v.asText().strip();
  }

  static String firstLine(String text) {
    return text.strip().lines().findFirst().orElse("(nothing)");
  }
}
