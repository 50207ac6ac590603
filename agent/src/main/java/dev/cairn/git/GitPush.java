package dev.cairn.git;

import dev.cairn.CairnException;
import dev.cairn.Faults;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import org.eclipse.jgit.api.PushCommand;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.transport.PushResult;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.RemoteRefUpdate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pushes a branch's pending results commit with the {@code ci.skip} push option: rebased and
 * retried while the branch moves or another push holds its lock, a bounded number of times; a ref
 * lock that a killed push left in a local remote is cleared (see {@link RemoteLocks}); a lock that
 * stays, and any other refusal, end with one clear error, and the commit stays pending for the next
 * publish.
 */
final class GitPush {
  private static final Logger LOG = LoggerFactory.getLogger(GitPush.class);
  private static final int TIMEOUT_SECONDS = 120;

  /** Rebases the pending commits of a branch onto the fetched remote head. */
  interface Rebase {
    void onto(String branch) throws IOException;
  }

  private final GitClone clone;
  private final GitPublisher.BeforePush beforePush;
  private final Rebase rebase;
  private final RemoteLocks locks;
  private final Faults faults;
  private volatile boolean pushOptions = true;

  GitPush(GitClone clone, GitPublisher.BeforePush beforePush, Rebase rebase, Faults faults) {
    this.clone = clone;
    this.faults = faults;
    this.beforePush = beforePush;
    this.rebase = rebase;
    this.locks = new RemoteLocks(clone.dir(), clone.remoteUrl());
  }

  /** Pushes the pending ref of {@code branch}; returns the sha now on the remote branch. */
  String pushPending(String branch) throws IOException {
    for (int attempt = 1; ; attempt++) {
      runBeforePush(attempt);
      Ref pending = clone.repository().exactRef(GitPublisher.PENDING + branch);
      if (pending == null) {
        return clone.remoteHead(branch).name();
      }
      ObjectId tip = pending.getObjectId();
      faults.at("push");
      List<RemoteRefUpdate> rejected;
      locks.pushBegins();
      boolean pushed = false;
      try {
        rejected = push(branch);
        pushed = rejected.isEmpty();
      } finally {
        locks.pushEnded(pushed);
      }
      if (pushed) {
        faults.at("pushed");
        clone.setRef(GitClone.TRACKING + branch, tip);
        RefUpdate delete = clone.repository().updateRef(GitPublisher.PENDING + branch);
        delete.setExpectedOldObjectId(tip);
        delete.setForceUpdate(true);
        delete.delete();
        LOG.info("pushed results {} to {} {}", tip.name(), clone.remoteForMessages(), branch);
        return tip.name();
      }
      RemoteRefUpdate update = rejected.get(0);
      boolean locked = lockFailure(update);
      if (locked && attempt < GitPublisher.MAX_PUSH_ATTEMPTS && locks.clearIfStale(branch)) {
        continue;
      }
      if (locked && attempt >= GitPublisher.MAX_PUSH_ATTEMPTS) {
        throw new CairnException(
            refused(branch, update)
                + ": refs/heads/"
                + branch
                + " is locked"
                + locks.lockOf(branch).map(p -> " (" + p + ")").orElse("")
                + " by another push in progress or one that was killed; the results commit is"
                + " kept and pushed once the lock is gone (remove the lock file if no Git"
                + " process is using that repository)");
      }
      if (!locked && !branchMoved(update)) {
        throw new CairnException(
            refused(branch, update) + "; check the agent's write access and branch protection");
      }
      if (attempt >= GitPublisher.MAX_PUSH_ATTEMPTS) {
        throw new CairnException(
            "push to "
                + clone.remoteForMessages()
                + " refs/heads/"
                + branch
                + " still rejected after "
                + attempt
                + " attempts because the branch keeps moving ("
                + update.getStatus()
                + "); the results commit is kept and pushed on the next publish");
      }
      LOG.info(
          locked
              ? "branch {} is locked by another push ({}); retrying, attempt {}"
              : "branch {} moved during push ({}); rebasing, attempt {}",
          branch,
          update.getStatus(),
          attempt + 1);
      backoff(attempt);
      clone.fetch();
      rebase.onto(branch);
    }
  }

  private String refused(String branch, RemoteRefUpdate update) {
    return "push to "
        + clone.remoteForMessages()
        + " refs/heads/"
        + branch
        + " was rejected: "
        + update.getStatus()
        + describe(update.getMessage());
  }

  /** Pushes the pending ref; returns the rejected updates, empty on success. */
  private List<RemoteRefUpdate> push(String branch) {
    RefSpec spec = new RefSpec(GitPublisher.PENDING + branch + ":" + Constants.R_HEADS + branch);
    Iterable<PushResult> results;
    try {
      PushCommand command =
          clone
              .git()
              .push()
              .setRemote(GitClone.REMOTE)
              .setRefSpecs(spec)
              .setTimeout(TIMEOUT_SECONDS);
      if (pushOptions) {
        command.setPushOptions(List.of(GitPublisher.CI_SKIP));
      }
      results = clone.auth().apply(command).call();
    } catch (GitAPIException e) {
      String why = GitClone.rootMessage(e);
      if (pushOptions && why.toLowerCase(Locale.ROOT).contains("push options not supported")) {
        // Only GitLab reads ci.skip; a remote without push options runs no pipeline to skip.
        pushOptions = false;
        LOG.warn(
            "{} does not accept push options; pushing without ci.skip from now on",
            clone.remoteForMessages());
        return push(branch);
      }
      throw new CairnException(
          "cannot push to " + clone.remoteForMessages() + ": " + clone.why(e), e);
    }
    List<RemoteRefUpdate> rejected = new ArrayList<>();
    for (PushResult result : results) {
      for (RemoteRefUpdate update : result.getRemoteUpdates()) {
        if (update.getStatus() != RemoteRefUpdate.Status.OK
            && update.getStatus() != RemoteRefUpdate.Status.UP_TO_DATE) {
          rejected.add(update);
        }
      }
    }
    return rejected;
  }

  private static boolean lockFailure(RemoteRefUpdate update) {
    return update.getStatus() == RemoteRefUpdate.Status.REJECTED_OTHER_REASON
        && String.valueOf(update.getMessage()).toLowerCase(Locale.ROOT).contains("lock");
  }

  private static boolean branchMoved(RemoteRefUpdate update) {
    return switch (update.getStatus()) {
      case REJECTED_NONFASTFORWARD, REJECTED_REMOTE_CHANGED -> true;
      case REJECTED_OTHER_REASON -> {
        String why = String.valueOf(update.getMessage()).toLowerCase(Locale.ROOT);
        yield why.contains("fetch first") || why.contains("stale");
      }
      default -> false;
    };
  }

  private void runBeforePush(int attempt) {
    try {
      beforePush.run(attempt);
    } catch (Exception e) {
      throw new IllegalStateException("before-push hook failed", e);
    }
  }

  private static void backoff(int attempt) {
    long millis = 100L * attempt + ThreadLocalRandom.current().nextLong(150);
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CairnException("interrupted while pushing results; they are pushed next time", e);
    }
  }

  private static String describe(String message) {
    return message == null || message.isBlank() ? "" : " (" + message + ")";
  }
}
