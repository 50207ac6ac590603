package dev.cairn.notify;

import java.util.Map;

/**
 * Reads a finished run's report from its results commit: every file under {@code folder} at {@code
 * commit}, by its path from the repository's root; empty where the commit is not known.
 */
@FunctionalInterface
public interface ReportSource {
  Map<String, byte[]> read(String commit, String folder);
}
