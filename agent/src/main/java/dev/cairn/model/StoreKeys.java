package dev.cairn.model;

/**
 * Where every part of Cairn finds a run's objects in the store and its results in Git (DESIGN.md,
 * "Object store keys"): the one place that spells the layout, shared by the agent and the CI
 * client.
 */
public final class StoreKeys {
  /** The readiness marker the agent writes once it has checked the store. */
  public static final String READY = "runs/.ready";

  /** Folders under which every request and every run's state live. */
  public static final String REQUESTS = "requests/";

  public static final String RUNS = "runs/";

  /** Folder of the agents' announcements, one folder per cluster. */
  public static final String AGENTS = "agents/";

  private StoreKeys() {}

  /** The config a CI job pushed for a commit. */
  public static String configKey(String commit) {
    return REQUESTS + commit + "/config.env";
  }

  /** The request beside it. */
  public static String requestKey(String commit) {
    return REQUESTS + commit + "/request.json";
  }

  /** The run's {@code status.json}, written by the agent and read by CI. */
  public static String statusKey(String commit) {
    return RUNS + commit + "/status.json";
  }

  /** Written by {@code agent.jar cancel}: the agent cancels the commit's active run. */
  public static String cancelKey(String commit) {
    return RUNS + commit + "/cancel";
  }

  /** The claim an agent takes on an attempt of a commit with a conditional write. */
  public static String claimKey(String commit, int attempt) {
    return RUNS + commit + "/claim" + (attempt > 1 ? "-a" + attempt : "");
  }

  /**
   * With clusters routed ({@code CLUSTER}): the claim one agent of {@code cluster} takes on its
   * share of an attempt, so no two agents of a cluster run it.
   */
  public static String shareClaimKey(String commit, int attempt, String cluster) {
    return clusterDir(commit, cluster) + "claim" + suffix(attempt);
  }

  /** The share's live status: its trials as its agent last saw them, for the run's status.json. */
  public static String shareStatusKey(String commit, int attempt, String cluster) {
    return clusterDir(commit, cluster) + "status" + suffix(attempt) + ".json";
  }

  /**
   * The share's end, written once with a conditional write: by its agent once its trials ended and
   * their outputs are in the DVC remote, or by another agent giving a quiet cluster up.
   */
  public static String shareEndKey(String commit, int attempt, String cluster) {
    return clusterDir(commit, cluster) + "end" + suffix(attempt) + ".json";
  }

  /** The run id every cluster's agent uses for an attempt, set once by the first to receive it. */
  public static String runIdKey(String commit, int attempt) {
    return RUNS + commit + "/run-id" + suffix(attempt);
  }

  /**
   * Where an agent announces itself: its cluster, scheduler, what it can run and when it was last
   * seen ({@link Announcement}), refreshed at its idle request rate.
   */
  public static String agentKey(String cluster, String agentId) {
    return AGENTS + cluster + "/" + agentId + ".json";
  }

  private static String clusterDir(String commit, String cluster) {
    return RUNS + commit + "/clusters/" + cluster + "/";
  }

  private static String suffix(int attempt) {
    return attempt > 1 ? "-a" + attempt : "";
  }

  /** The folder of a run's results in the results commit. */
  public static String resultsDir(String runId) {
    return "results/" + runId;
  }
}
