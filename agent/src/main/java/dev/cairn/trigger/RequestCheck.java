package dev.cairn.trigger;

/**
 * Decides whether a request may run at all (provenance: its config is {@code config/config.env} of
 * that commit on an allowed branch), and returns what Git proves about the commit.
 */
public interface RequestCheck {

  /** The verified commit when the request may run, else the reason it may not. */
  record Verdict(VerifiedCommit commit, String rejection) {
    public static Verdict accept(VerifiedCommit commit) {
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
}
