package dev.cairn.ci;

import dev.cairn.CairnException;
import dev.cairn.Untrusted;
import dev.cairn.config.ExperimentConfig;
import dev.cairn.model.JobRecord;
import dev.cairn.model.JobState;
import dev.cairn.model.RunRequest;
import dev.cairn.model.RunStatus;
import dev.cairn.render.TemplateSet;
import dev.cairn.results.ConfigFiles;
import dev.cairn.results.Table;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** What {@code ci await} prints while it waits, and how it reads the attempt and its time limit. */
public final class AwaitLines {
  private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss");

  private AwaitLines() {}

  /**
   * The attempt this pipeline's {@code ci submit} asked for, from what it handed on: {@code
   * CAIRN_ATTEMPT} and {@code CAIRN_CONFIG_COMMIT} in the environment (GitLab's dotenv report) or
   * in the dotenv file itself. Never from the bucket, which anyone who writes it can change. Empty
   * when neither names this commit.
   */
  public static Optional<Integer> submittedAttempt(
      Map<String, String> env, Path file, String commit) throws IOException {
    Optional<Integer> fromEnv = attemptOf(env, commit);
    if (fromEnv.isPresent() || file == null || !Files.isRegularFile(file)) {
      return fromEnv;
    }
    if (Files.size(file) > RunRequest.MAX_REQUEST_BYTES) {
      return Optional.empty();
    }
    Map<String, String> values = new HashMap<>();
    for (String line : Files.readAllLines(file)) {
      int eq = line.indexOf('=');
      if (eq > 0) {
        values.put(line.substring(0, eq).strip(), line.substring(eq + 1).strip());
      }
    }
    return attemptOf(values, commit);
  }

  private static Optional<Integer> attemptOf(Map<String, String> values, String commit) {
    String attempt = values.get(CiSubmit.ATTEMPT);
    if (attempt == null
        || !commit.equals(values.get(CiSubmit.CONFIG_COMMIT))
        || !attempt.matches("[1-9][0-9]{0,3}")
        || Integer.parseInt(attempt) > RunRequest.MAX_ATTEMPT) {
      return Optional.empty();
    }
    return Optional.of(Integer.parseInt(attempt));
  }

  /** A status left by an earlier attempt (before a rerun) is not the run this job waits for. */
  public static boolean isCurrent(RunStatus status, int expectedAttempt) {
    return status.attempt() >= expectedAttempt;
  }

  /**
   * One line a person can follow: the run's state and each job's state, attempt and reason; for a
   * sweep of many trials, counts per state for each task.
   */
  public static String progress(RunStatus s) {
    // a status is anyone's text until verified: no line breaks or terminal escapes in the job log
    StringBuilder sb =
        new StringBuilder("run ")
            .append(Untrusted.forLog(s.runId()))
            .append(": ")
            .append(s.state());
    if (s.jobs() == null) {
      return sb.toString();
    }
    if (s.jobs().isEmpty() && s.message() != null) {
      sb.append(" - ").append(Untrusted.forLog(s.message()));
    }
    if (s.jobs().size() > Table.MAX_ROWS) {
      Table.countsByTask(s)
          .forEach(
              (task, counts) ->
                  sb.append(" | ").append(Untrusted.forLog(task)).append(' ').append(counts));
      return sb.toString();
    }
    for (JobRecord j : s.jobs()) {
      sb.append(" | ").append(Untrusted.forLog(j.trial())).append(' ').append(j.state());
      if (j.attempts() > 1) {
        sb.append(" (attempt ").append(j.attempts()).append(')');
      }
      if (j.reason() != null && j.state() != JobState.COMPLETED) {
        sb.append(" [").append(Untrusted.forLog(j.reason())).append(']');
      }
    }
    return sb.toString();
  }

  /** GitLab kills a job at its own timeout; say so when that comes before the run's. */
  public static void checkJobTimeout(PrintWriter out, Duration limit) {
    String jobTimeout = System.getenv("CI_JOB_TIMEOUT");
    if (jobTimeout != null
        && jobTimeout.matches("\\d+")
        && Long.parseLong(jobTimeout) < limit.toSeconds()) {
      say(
          out,
          "warning: the job timeout ("
              + jobTimeout
              + " s) is shorter than the run may take ("
              + limit.toSeconds()
              + " s); raise `timeout:` of the await job in ci/.gitlab-ci.yml");
    }
  }

  public static Duration parseDuration(String text) {
    var m = java.util.regex.Pattern.compile("(\\d+)\\s*([smh]?)").matcher(text.strip());
    if (!m.matches()) {
      throw new CairnException("--timeout '" + text + "' is not a duration; use 90s, 45m or 6h");
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "h" -> Duration.ofHours(n);
      case "m" -> Duration.ofMinutes(n);
      default -> Duration.ofSeconds(n);
    };
  }

  public static String human(Duration d) {
    long s = d.toSeconds();
    return s >= 3600
        ? String.format("%dh%02dm", s / 3600, (s % 3600) / 60)
        : s >= 60 ? (s / 60) + "m" : s + "s";
  }

  public static void say(PrintWriter out, String line) {
    out.println("[" + LocalTime.now(ZoneOffset.UTC).format(CLOCK) + "] " + line);
    out.flush();
  }

  /** --timeout, else the config's MAX_ATTEMPTS x TIME_LIMIT + 30 min, else 6 h. */
  public static Duration limit(@Nullable String timeout, Path config) throws IOException {
    if (timeout != null) {
      return AwaitLines.parseDuration(timeout);
    }
    if (Files.isRegularFile(config)) {
      TemplateSet set = ConfigFiles.templates(null);
      try {
        ExperimentConfig cfg =
            ExperimentConfig.parse(Files.readAllBytes(config), config.toString(), set.tasks());
        return cfg.timeLimit().multipliedBy(cfg.maxAttempts()).plusMinutes(30);
      } catch (CairnException e) {
        // the agent will reject it; the run ends quickly
      }
    }
    return Duration.ofHours(6);
  }
}
