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
import org.jspecify.annotations.Nullable;

/**
 * Parsers for what LSF's commands print (IBM Spectrum LSF 10.1 command reference: bsub, bjobs
 * {@code -o}/{@code -json}, bparams {@code -a}; bhist {@code -l} is {@link LsfHistory}). Pure
 * functions over text so that unit tests feed recorded outputs.
 */
final class LsfOutput {

  /**
   * The fields asked of bjobs, in this order; the free-text reasons last: pend_reason, whose text
   * may hold the delimiter (reasons end in ";"), after exit_reason, whose keywords do not.
   */
  static final List<String> FIELDS =
      List.of(
          "jobid",
          "stat",
          "exit_code",
          "run_time",
          "cpu_used",
          "max_mem",
          "job_name",
          "exit_reason",
          "pend_reason");

  /** "Job <123> is submitted to queue <normal>." or "... to default queue <normal>." */
  private static final Pattern SUBMITTED =
      Pattern.compile("Job <(\\d+)> is submitted to (?:default )?queue <([^>]*)>");

  private static final Pattern NOT_FOUND = Pattern.compile("Job <([^>]+)> is not found");

  /** The index LSF appends to an array element's job name: {@code name[3]}. */
  private static final Pattern INDEX_SUFFIX = Pattern.compile("\\[(\\d+)\\]$");

  /** bparams -a: {@code MAX_JOB_ARRAY_SIZE = 1000}. */
  private static final Pattern MAX_JOB_ARRAY_SIZE =
      Pattern.compile("^\\s*MAX_JOB_ARRAY_SIZE\\s*=\\s*(\\d+)\\s*$", Pattern.MULTILINE);

  /** lsb.params' MAX_JOB_ARRAY_SIZE where a cluster leaves it unset (IBM, bsub -J). */
  static final int DEFAULT_MAX_JOB_ARRAY_SIZE = 1000;

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private LsfOutput() {}

  /**
   * One job, or one element of a job array, as bjobs reports it; empty strings for empty fields.
   *
   * @param id the job id, an element's as {@code id[index]}
   * @param name the job name, an element's as LSF prints it: {@code name[index]}
   * @param pendReason why a PEND job waits ("Dependency condition invalid or never satisfied")
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
      String pendReason,
      @Nullable String error) {

    boolean notFound() {
      return error != null && NOT_FOUND.matcher(error).find();
    }

    /** The job id without an element's index: the array's own id. */
    String arrayId() {
      int at = id.indexOf('[');
      return at < 0 ? id : id.substring(0, at);
    }

    /** The job name without an element's index: what the job was submitted as. */
    String baseName() {
      return INDEX_SUFFIX.matcher(name).replaceFirst("");
    }
  }

  /**
   * An element's id: bjobs prints JOBID as the plain id and the index only in JOB_NAME ({@code
   * name[3]}) unless LSB_BJOBS_DISPLAY_ENH=Y puts it in JOBID ({@code 123[3]}); a plain job's name
   * never ends so, as bsub reads {@code -J "name[3]"} as an array.
   */
  static String elementId(String jobId, String jobName) {
    if (jobId.isEmpty() || jobId.contains("[")) {
      return jobId;
    }
    Matcher m = INDEX_SUFFIX.matcher(jobName);
    return m.find() ? jobId + "[" + m.group(1) + "]" : jobId;
  }

  /**
   * {@code bparams -a}: lsb.params' MAX_JOB_ARRAY_SIZE, the highest index an array may have (its
   * indices start at 1, so also its most elements); LSF's default where the output leaves it out.
   */
  static int maxArraySize(String stdout) {
    Matcher m = MAX_JOB_ARRAY_SIZE.matcher(stdout);
    if (!m.find()) {
      return DEFAULT_MAX_JOB_ARRAY_SIZE;
    }
    try {
      return Integer.parseInt(m.group(1));
    } catch (NumberFormatException e) {
      return Integer.MAX_VALUE;
    }
  }

  /**
   * The queue names of {@code bqueues -w}: the first word of each line after the header ({@code
   * QUEUE_NAME PRIO STATUS MAX JL/U JL/P JL/H NJOBS PEND RUN SUSP}).
   */
  static List<String> queues(String stdout) {
    return stdout
        .lines()
        .map(String::strip)
        .filter(line -> !line.isEmpty())
        .map(line -> line.split("\\s+", 2)[0])
        .filter(name -> !name.equals("QUEUE_NAME"))
        .distinct()
        .toList();
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
      String id = elementId(text(r, "JOBID"), text(r, "JOB_NAME"));
      Matcher m = error == null ? null : NOT_FOUND.matcher(error);
      if (m != null && m.find()) {
        // the message names what was asked, an element as id[index]
        id = m.group(1);
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
              text(r, "PEND_REASON"),
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
      rows.add(
          new Row(elementId(v[0], v[6]), v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], null));
    }
    for (String id : notFound(stderr)) {
      rows.add(new Row(id, "", "", "", "", "", "", "", "", "Job <" + id + "> is not found"));
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
