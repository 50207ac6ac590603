package dev.cairn.ci;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.CairnException;
import dev.cairn.Json;
import dev.cairn.Untrusted;
import dev.cairn.model.RunRequest;
import dev.cairn.model.RunStatus;
import dev.cairn.model.StoreKeys;
import dev.cairn.trigger.RepoMirror;
import java.io.IOException;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What {@code ci await} believes of a status.json: nothing, until Git confirms it. Anyone who can
 * write the bucket can write a status saying SUCCEEDED; only the agent can push a results commit to
 * the protected branch. A status passes when the results commit it names is on that branch, was
 * made for this config commit, and records the same run, attempt and outcome.
 */
public final class CiVerify {
  private CiVerify() {}

  /**
   * Null when Git confirms the status, else why not, in one line.
   *
   * @param mirror a clone of the experiment repository, fetched here
   */
  public static @Nullable String reject(
      RepoMirror mirror, RunStatus status, String commit, String branch) {
    if (!commit.equals(status.commit())) {
      return "the status names commit " + Untrusted.forLog(status.commit()) + ", not " + commit;
    }
    String results = status.resultsCommit();
    if (results == null || !RunRequest.isFullSha(results)) {
      return "the status names no results commit";
    }
    if (status.runId() == null || !status.runId().matches("[A-Za-z0-9][A-Za-z0-9._-]{0,200}")) {
      return "the status names no well-formed run id";
    }
    try {
      mirror.fetch();
    } catch (CairnException e) {
      return "cannot fetch the repository to verify the results commit: " + e.getMessage();
    }
    if (!mirror.isOnBranch(results, branch)) {
      return "results commit " + results + " is not on branch " + branch + " of the repository";
    }
    Optional<RepoMirror.CommitInfo> info = mirror.commitInfo(results);
    if (info.isEmpty()
        || !info.get().message().lines().anyMatch(l -> l.equals("Config commit: " + commit))
        || !info.get().message().lines().anyMatch(l -> l.equals("Run state: " + status.state()))) {
      return "results commit " + results + " does not record " + status.state() + " for " + commit;
    }
    String path = StoreKeys.resultsDir(status.runId()) + "/run.json";
    Optional<byte[]> runJson = mirror.readFile(results, path);
    if (runJson.isEmpty()) {
      return "results commit " + results + " has no " + path;
    }
    JsonNode run;
    try {
      run = Json.MAPPER.readTree(runJson.get());
    } catch (IOException e) {
      return path + " of results commit " + results + " is not JSON";
    }
    if (!commit.equals(run.path("config_commit").asText())
        || !status.state().name().equals(run.path("state").asText())
        || !status.runId().equals(run.path("run_id").asText())
        || status.attempt() != run.path("attempt").asInt(-1)) {
      return path
          + " of results commit "
          + results
          + " does not record attempt "
          + status.attempt()
          + " of "
          + commit
          + " as "
          + status.state();
    }
    return null;
  }
}
