package dev.cairn.trigger;

import dev.cairn.Untrusted;
import dev.cairn.model.RunRequest;
import dev.cairn.model.VerifiedCommit;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The trigger bucket alone cannot start jobs: a request runs only when its commit is on an allowed
 * branch of the experiment repository and its config is, byte for byte, {@code config/config.env}
 * at that commit.
 */
public final class ProvenanceCheck implements RequestCheck {
  static final String CONFIG_PATH = "config/config.env";
  private final RepoMirror mirror;
  private final List<String> allowedBranches;

  /** Whether this pass has fetched yet, and how that fetch failed (then each check fails so). */
  private boolean fetched;

  private @Nullable RuntimeException fetchFailure;

  public ProvenanceCheck(RepoMirror mirror, List<String> allowedBranches) {
    this.mirror = mirror;
    this.allowedBranches = List.copyOf(allowedBranches);
  }

  @Override
  public Verdict check(RunRequest request, byte[] config) {
    String reason = reject(request, config);
    if (reason != null) {
      return Verdict.reject(reason);
    }
    Optional<RepoMirror.CommitInfo> info = mirror.commitInfo(request.commit());
    if (info.isEmpty()) {
      return Verdict.reject("commit " + request.commit() + " is not in the repository");
    }
    RepoMirror.CommitInfo c = info.get();
    String branch =
        java.util.Objects.requireNonNull(request.branch(), "reject() passes a branch only");
    return Verdict.accept(
        new VerifiedCommit(
            c.sha(),
            branch,
            c.subject(),
            c.authorName(),
            c.authorEmail(),
            c.committedAt().toString()));
  }

  @Override
  public void refresh() {
    fetched = false;
    fetchFailure = null;
  }

  private void fetchOnce() {
    if (!fetched) {
      fetched = true;
      try {
        mirror.fetch();
      } catch (RuntimeException e) {
        fetchFailure = e;
      }
    }
    RuntimeException failure = fetchFailure;
    if (failure != null) {
      throw failure;
    }
  }

  @Override
  public int commitOrder(String a, String b) {
    if (a.equals(b)) {
      return 0;
    }
    if (mirror.isAncestor(a, b)) {
      return -1;
    }
    return mirror.isAncestor(b, a) ? 1 : 0;
  }

  private @Nullable String reject(RunRequest request, byte[] config) {
    String branch = request.branch();
    if (branch == null || !allowedBranches.contains(branch)) {
      return "branch '"
          + Untrusted.forLog(branch)
          + "' may not start runs; the agent accepts commits on "
          + String.join(", ", allowedBranches)
          + " (CAIRN_ALLOWED_BRANCHES)";
    }
    fetchOnce();
    if (!mirror.isOnBranch(request.commit(), branch)) {
      return "commit "
          + request.commit()
          + " is not on branch "
          + branch
          + " of the repository; only pushed commits of allowed branches can start runs";
    }
    Optional<byte[]> committed = mirror.readFile(request.commit(), CONFIG_PATH);
    if (committed.isEmpty()) {
      return "commit " + request.commit() + " has no " + CONFIG_PATH;
    }
    if (!Arrays.equals(committed.get(), config)) {
      return "the uploaded config is not "
          + CONFIG_PATH
          + " of commit "
          + request.commit()
          + "; submit it with `agent.jar ci submit` from that commit";
    }
    return null;
  }
}
