package dev.cairn.trigger;

/**
 * A request to run the config of one commit, as {@code ci submit} writes it to {@code
 * requests/<commit>/request.json}.
 *
 * @param attempt 1 for the first run of the commit; {@code ci submit --rerun} asks for the next
 * @param submittedAt ISO-8601 UTC instant
 * @param configSha256 hex SHA-256 of {@code requests/<commit>/config.env}
 * @param reproduces the results commit this request repeats ({@code agent.jar reproduce}), or null
 */
public record RunRequest(
    String commit,
    String branch,
    String pipeline,
    String author,
    String message,
    String submittedAt,
    String configSha256,
    Integer attempt,
    String reproduces) {

  public RunRequest(
      String commit,
      String branch,
      String pipeline,
      String author,
      String message,
      String submittedAt,
      String configSha256,
      Integer attempt) {
    this(commit, branch, pipeline, author, message, submittedAt, configSha256, attempt, null);
  }

  public int attemptOrFirst() {
    return attempt == null || attempt < 1 ? 1 : attempt;
  }

  /** Object keys of one request; the queue entry sorts by submission time. */
  public static String configKey(String commit) {
    return "requests/" + commit + "/config.env";
  }

  public static String requestKey(String commit) {
    return "requests/" + commit + "/request.json";
  }

  public static String statusKey(String commit) {
    return "runs/" + commit + "/status.json";
  }

  /** Written by {@code agent.jar cancel}: the agent cancels the commit's active run. */
  public static String cancelKey(String commit) {
    return "runs/" + commit + "/cancel";
  }

  public static String claimKey(String commit, int attempt) {
    return "runs/" + commit + "/claim" + (attempt > 1 ? "-a" + attempt : "");
  }
}
