package dev.cairn.trigger;

import dev.cairn.model.RunRequest;
import dev.cairn.model.VerifiedCommit;
import org.jspecify.annotations.Nullable;

/**
 * Decides whether a request may run at all (provenance: its config is {@code config/config.env} of
 * that commit on an allowed branch), and returns what Git proves about the commit.
 */
public interface RequestCheck {

  /** The verified commit when the request may run, else the reason it may not. */
  record Verdict(@Nullable VerifiedCommit commit, @Nullable String rejection) {
    public static Verdict accept(@Nullable VerifiedCommit commit) {
      return new Verdict(commit, null);
    }

    public static Verdict reject(String reason) {
      return new Verdict(null, reason);
    }

    public boolean rejected() {
      return rejection != null;
    }
  }

  Verdict check(RunRequest request, byte[] config) throws Exception;

  /** Without a repository: every request passes, proving nothing of its commit. */
  RequestCheck ACCEPT_ALL = (request, config) -> Verdict.accept(null);

  /**
   * A new pass of the loop begins: the next check brings the repository up to date, once, and the
   * checks after it in the same pass use that state (one fetch per pass, however many requests).
   */
  default void refresh() {}

  /**
   * Git's order of two commits: negative when {@code a} is an ancestor of {@code b}, positive when
   * {@code b} is one of {@code a}, 0 when they are the same, unrelated or unknown.
   */
  default int commitOrder(String a, String b) {
    return 0;
  }
}
