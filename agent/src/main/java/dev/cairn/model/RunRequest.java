package dev.cairn.model;

import dev.cairn.Untrusted;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A request to run the config of one commit, as {@code ci submit} writes it to {@code
 * requests/<commit>/request.json}.
 *
 * @param attempt 1 for the first run of the commit; {@code ci submit --rerun} asks for the next
 * @param submittedAt ISO-8601 UTC instant
 * @param configSha256 hex SHA-256 of {@code requests/<commit>/config.env}
 * @param reproduces the results commit this request repeats ({@code agent.jar reproduce}), or null
 *     <p>Whoever can write the bucket can write any of these: {@link #problem()} rejects what is
 *     malformed, and only the commit, branch and attempt are used, once provenance has checked them
 *     through Git.
 */
public record RunRequest(
    String commit,
    @Nullable String branch,
    @Nullable String pipeline,
    @Nullable String author,
    @Nullable String message,
    @Nullable String submittedAt,
    @Nullable String configSha256,
    @Nullable Integer attempt,
    @Nullable String reproduces) {

  /** The most bytes the agent reads of a request, a queue entry, a cancel request. */
  public static final int MAX_REQUEST_BYTES = 16 * 1024;

  /** The most bytes the agent reads of a {@code config.env}. */
  public static final int MAX_CONFIG_BYTES = 64 * 1024;

  /** The most bytes {@code ci await} reads of a {@code status.json}. */
  public static final int MAX_STATUS_BYTES = 256 * 1024;

  /** The most bytes the agent reads of a claim. */
  public static final int MAX_CLAIM_BYTES = 4 * 1024;

  /**
   * The earliest {@code submitted_at} a request may carry; the latest is a day after the reader's
   * clock ({@link #MAX_FUTURE}). Outside that window a time is forged or the runner's clock is
   * broken, and arithmetic on it (epoch milliseconds) could overflow.
   */
  public static final Instant EARLIEST = Instant.parse("2000-01-01T00:00:00Z");

  /** How far ahead of the reader's clock a {@code submitted_at} may be. */
  public static final Duration MAX_FUTURE = Duration.ofDays(1);

  /** The highest attempt a request may ask for. */
  public static final int MAX_ATTEMPT = 1000;

  private static final Pattern SHA = Pattern.compile("[0-9a-f]{40}|[0-9a-f]{64}");
  private static final Pattern BRANCH = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._/-]{0,199}");
  private static final Pattern PIPELINE = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  /** Whether the text is a full Git object id (SHA-1 or SHA-256, lower case). */
  public static boolean isFullSha(@Nullable String text) {
    return text != null && SHA.matcher(text).matches();
  }

  /** Why the request is malformed, or null when every field has its form. */
  public @Nullable String problem() {
    return problem(null);
  }

  /**
   * Why the request is malformed, or null when every field has its form; with {@code now}, also
   * when {@code submitted_at} lies more than {@link #MAX_FUTURE} after it.
   */
  public @Nullable String problem(@Nullable Instant now) {
    if (!isFullSha(commit)) {
      return "commit " + quoted(commit) + " is not a full Git object id (40 hex digits)";
    }
    if (branch == null
        || !BRANCH.matcher(branch).matches()
        || branch.contains("..")
        || branch.endsWith(".lock")
        || branch.endsWith("/")) {
      return "branch " + quoted(branch) + " is not a branch name";
    }
    if (submittedAt == null) {
      return "submitted_at is missing";
    }
    Instant at;
    try {
      at = Instant.parse(submittedAt);
    } catch (DateTimeParseException e) {
      return "submitted_at " + quoted(submittedAt) + " is not an ISO-8601 instant";
    }
    Instant latest = now == null ? Instant.parse("2999-12-31T23:59:59Z") : now.plus(MAX_FUTURE);
    if (at.isBefore(EARLIEST) || at.isAfter(latest)) {
      return "submitted_at "
          + quoted(submittedAt)
          + " is not from "
          + EARLIEST
          + " to "
          + latest
          + "; set the CI runner's clock right and submit again";
    }
    if (attempt != null && (attempt < 1 || attempt > MAX_ATTEMPT)) {
      return "attempt " + attempt + " is not from 1 to " + MAX_ATTEMPT;
    }
    if (configSha256 != null && !configSha256.matches("[0-9a-f]{64}")) {
      return "config_sha256 " + quoted(configSha256) + " is not a SHA-256 in hex";
    }
    if (reproduces != null && !isFullSha(reproduces)) {
      return "reproduces " + quoted(reproduces) + " is not a full Git object id";
    }
    if (pipeline != null && !PIPELINE.matcher(pipeline).matches()) {
      return "pipeline " + quoted(pipeline) + " is not a pipeline id";
    }
    return null;
  }

  private static String quoted(@Nullable String s) {
    return s == null ? "(none)" : "'" + Untrusted.forLog(s) + "'";
  }

  public int attemptOrFirst() {
    return attempt == null || attempt < 1 ? 1 : attempt;
  }
}
